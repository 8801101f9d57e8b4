// Keepalive [MQTT-3.1.2-23]: send PINGREQ when nothing was sent, or nothing heard, for the
// keepalive interval K; if no PINGRESP (or any other packet) arrives K/2 after that, the
// connection is presumed dead. A link that dies at t is therefore detected by t + 1.5 K at the
// latest, the same bound the broker applies to us [MQTT-3.1.2-24]. One one-shot timer, set
// for the next deadline only: sent()/received() just note the time.
import type { Clock, TimerHandle, Timers } from "../platform.js";

/** The connection extends it with what the keepalive asks of it (one object per client, no closures). */
export abstract class Keepalive {
  readonly #timers: Timers;
  readonly #clock: Clock;
  readonly #ms: number;
  #timer: TimerHandle | undefined;
  /** When a packet was last sent (the connection writes it directly on its publish path). */
  lastSent = 0;
  #lastReceived = 0;
  #pingSent = -1;

  /** `seconds` 0 turns keepalive off [MQTT-3.1.2-10]. */
  constructor(timers: Timers, clock: Clock, seconds: number) {
    this.#timers = timers;
    this.#clock = clock;
    this.#ms = seconds * 1000;
  }

  /** Send PINGREQ now. */
  abstract ping(): void;
  /** The connection is presumed dead. */
  abstract dead(reason: string): void;

  start(): void {
    this.stop();
    if (this.#ms === 0) return;
    const now = this.#clock.now();
    this.lastSent = now;
    this.#lastReceived = now;
    this.#pingSent = -1;
    this.#arm(this.#ms);
  }

  stop(): void {
    this.#timers.clear(this.#timer);
    this.#timer = undefined;
  }

  sent(): void {
    this.lastSent = this.#clock.now();
  }

  received(): void {
    this.#lastReceived = this.#clock.now();
    this.#pingSent = -1;
  }

  #arm(delay: number): void {
    this.#timer = this.#timers.set(() => this.#check(), Math.max(1, delay));
  }

  #check(): void {
    this.#timer = undefined;
    const now = this.#clock.now();
    if (this.#pingSent >= 0) {
      const due = this.#pingSent + this.#ms / 2;
      if (now >= due) {
        this.dead(`no reply from the broker within ${1.5 * this.#ms / 1000} s: connection presumed dead (keepalive ${this.#ms / 1000} s) [MQTT-3.1.2-24]`);
        return;
      }
      this.#arm(due - now);
      return;
    }
    const due = Math.min(this.lastSent, this.#lastReceived) + this.#ms;
    if (now >= due) {
      this.#pingSent = now;
      this.ping();
      this.#arm(this.#ms / 2);
      return;
    }
    this.#arm(due - now);
  }
}
