// Keepalive [MQTT-3.1.2-23]: the interval between packets sent must not exceed the keepalive
// K, so PINGREQ goes out with a margin, when nothing was sent, or nothing heard, for 3/4 K
// (timers and the network may be late by a fraction; a broker measures K from its side); if no
// PINGRESP (or any other packet) arrives 3/4 K after that, the connection is presumed dead. A
// link that dies at t is therefore detected by t + 1.5 K at the latest, the same bound the
// broker applies to us [MQTT-3.1.2-24]. One one-shot timer, set for the next deadline only:
// the connection just notes the time of each packet sent (lastSent) and received (lastReceived,
// clearing pingSent).
import type { Clock, TimerHandle, Timers } from "../platform.js";

/** The connection extends it with what the keepalive asks of it (one object per client: docs/xs-memory.md). */
export abstract class Keepalive {
  readonly #timers: Timers;
  /** Read by the connection on its hot paths too, to note packets sent and received without a call. */
  readonly clock: Clock;
  /** 3/4 K in ms: idle time before PINGREQ, and the wait for its answer. */
  readonly #quarter3: number;
  #timer: TimerHandle | undefined;
  /** When a packet was last sent, and last received (the connection writes them directly on its hot paths). */
  lastSent = 0;
  lastReceived = 0;
  /** When PINGREQ went out, -1 when none awaits an answer (cleared by anything received). */
  pingSent = -1;

  /** `seconds` 0 turns keepalive off [MQTT-3.1.2-10]. */
  constructor(timers: Timers, clock: Clock, seconds: number) {
    this.#timers = timers;
    this.clock = clock;
    this.#quarter3 = seconds * 750;
  }

  /** Send PINGREQ now. */
  abstract ping(): void;
  /** The connection is presumed dead. */
  abstract dead(reason: string): void;

  start(): void {
    this.stop();
    if (this.#quarter3 === 0) return;
    const now = this.clock.now();
    this.lastSent = now;
    this.lastReceived = now;
    this.pingSent = -1;
    this.#arm(this.#quarter3);
  }

  stop(): void {
    this.#timers.clear(this.#timer);
    this.#timer = undefined;
  }

  #arm(delay: number): void {
    this.#timer = this.#timers.set(() => this.#check(), Math.max(1, delay));
  }

  #check(): void {
    this.#timer = undefined;
    const now = this.clock.now();
    if (this.pingSent >= 0) {
      const due = this.pingSent + this.#quarter3;
      if (now >= due) {
        this.dead(
          `no reply from the broker within ${this.#quarter3 / 500} s: connection presumed dead (keepalive ${this.#quarter3 / 750} s) [MQTT-3.1.2-24]`,
        );
        return;
      }
      this.#arm(due - now);
      return;
    }
    const due = Math.min(this.lastSent, this.lastReceived) + this.#quarter3;
    if (now >= due) {
      this.pingSent = now;
      this.ping();
      this.#arm(this.#quarter3);
      return;
    }
    this.#arm(due - now);
  }
}
