// The device's time: uptime from the monotonic clock until network time (SNTP) answers, then
// Unix time; every timestamp says which it is. The scheduler keeps using the monotonic clock,
// so a clock set by SNTP never makes a schedule jump. A failed query is retried, slowly.
import type { Clock, Logger, NetworkTime, TimerHandle, Timers } from "./platform.js";
import type { TimeSource } from "./payload.js";

const RETRY_MS = 60_000;
const RESYNC_MS = 6 * 3600_000;

export interface Stamp {
  /** Milliseconds: Unix time with "sntp", milliseconds since boot with "uptime". */
  readonly ms: number;
  readonly source: TimeSource;
}

export class DeviceTime {
  readonly #boot: number;
  /** Unix ms minus monotonic ms, once network time is known. */
  #offset: number | undefined;
  #timer: TimerHandle | undefined;
  #asking = false;
  #failedOnce = false;

  constructor(
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly log: Logger,
    private readonly host: string,
    private readonly sntp: NetworkTime | undefined,
    /** Milliseconds since boot before this start: a wake from deep sleep goes on from its RTC record. */
    elapsed = 0,
  ) {
    this.#boot = clock.now() - elapsed;
  }

  get synced(): boolean {
    return this.#offset !== undefined;
  }

  /** Milliseconds since boot. */
  uptime(): number {
    return this.clock.now() - this.#boot;
  }

  now(): Stamp {
    const offset = this.#offset;
    return offset === undefined
      ? { ms: this.uptime(), source: "uptime" }
      : { ms: this.clock.now() + offset, source: "sntp" };
  }

  /** The network is up: ask for time (once per RESYNC_MS, or RETRY_MS after a failure). */
  networkUp(): void {
    if (this.host === "" || this.#asking || this.#timer !== undefined) return;
    if (this.sntp === undefined) {
      if (!this.#failedOnce) this.log.warn("time: this build has no sntp module; timestamps are seconds since boot");
      this.#failedOnce = true;
      return;
    }
    this.#asking = true;
    this.sntp(this.host, (seconds) => {
      this.#asking = false;
      if (seconds === undefined || !(seconds > 1_500_000_000)) {
        if (!this.#failedOnce)
          this.log.warn(`time: no answer from ${this.host}; timestamps are seconds since boot until it answers`);
        this.#failedOnce = true;
        this.#again(RETRY_MS);
        return;
      }
      const first = this.#offset === undefined;
      this.#offset = seconds * 1000 - this.clock.now();
      if (first) this.log.info(`time: network time from ${this.host}`);
      this.#failedOnce = false;
      this.#again(RESYNC_MS);
    });
  }

  stop(): void {
    this.timers.clear(this.#timer);
    this.#timer = undefined;
  }

  #again(ms: number): void {
    this.#timer = this.timers.set(() => {
      this.#timer = undefined;
      this.networkUp();
    }, ms);
  }
}
