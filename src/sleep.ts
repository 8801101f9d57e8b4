// sleep_mode=deep: one reading per wake, and no sleep on an undelivered reading. Each wake
// runs the whole firmware from main: join Wi-Fi, take network time (waiting at most
// TIME_GRACE_MS past reaching the broker, or half of awake_max offline), then sample, publish at
// QoS 1 and stay awake until the outbox is empty while connected (every PUBACK in, the
// backlog included) or until awake_max. Then it sleeps for the rest of sample_interval.
// What is not delivered by then goes to the flash journal (src/journal.ts) and is sent on a
// later wake with its seq and boot as they were. RTC memory (src/sleep-record.ts) carries the
// boot number and the last seq, so counting goes on across sleeps; a cold boot starts afresh.
// Flash is written only when something is left undelivered (the journal) and when the journal
// is emptied: a wake that delivers everything writes nothing.
import type { Journal } from "./journal.js";
import type { Reading } from "./payload.js";
import type { Clock, DeepSleep, Logger, TimerHandle, Timers } from "./platform.js";
import { decodeRecord, encodeRecord, RECORD_BYTES, type SleepRecord } from "./sleep-record.js";

/** How often the awake board looks at the outbox (no event says "all acknowledged"). */
export const POLL_MS = 20;
/** Time given to the socket to send DISCONNECT before the radio goes off. */
export const FLUSH_MS = 50;
/** The shortest sleep, when a wake took longer than the interval. */
export const MIN_SLEEP_MS = 1000;
/** How long past reaching the broker the reading waits for network time (a stamp in Unix time). */
export const TIME_GRACE_MS = 1000;

/** What the deep-sleep cycle reads and drives of the running app (src/app.ts). */
export interface SleepParts {
  readonly connection: { readonly connected: boolean; readonly outbox: { readonly length: number } };
  readonly journal: Journal | undefined;
  /** `unavailable`: samples that found no sensor to open. */
  readonly light: { readonly stats: { readings: number; readonly unavailable: number } };
  readonly time: { readonly synced: boolean; uptime(): number };
  readonly settings: { readonly values: { readonly interval: number } };
  stop(): void;
}

/** A source to tick once per wake (the light and health things of the dataflow). */
export interface Tick {
  sample(): unknown;
}

export interface SleepOptions {
  readonly sleep: DeepSleep;
  readonly timers: Timers;
  readonly clock: Clock;
  readonly log: Logger;
  /** Milliseconds. */
  readonly awakeMax: number;
  /** False when no network time is configured: sample as soon as the broker is reached. */
  readonly networkTime: boolean;
}

/** The RTC record of this boot: kept from the last sleep on a wake, undefined after a cold boot. */
export function resumeRecord(sleep: DeepSleep, log: Logger): SleepRecord | undefined {
  if (sleep.rtcBytes < RECORD_BYTES) {
    log.error(
      `sleep: this board keeps ${sleep.rtcBytes} bytes of RTC memory, ${RECORD_BYTES} are needed; counting starts again after each sleep`,
    );
    return undefined;
  }
  if (!sleep.woke) return undefined;
  const record = decodeRecord(sleep.read());
  if (record === undefined)
    log.warn("sleep: woke from deep sleep but the RTC memory does not hold our record; starting as after power-on");
  return record;
}

export class DeepSleepCycle {
  readonly #parts: SleepParts;
  readonly #o: SleepOptions;
  readonly #record: SleepRecord | undefined;
  readonly #boot: number;
  readonly #start: number;
  #poll: TimerHandle | undefined;
  #deadline: TimerHandle | undefined;
  #reading: Tick | undefined;
  #health: Tick | undefined;
  /** Readings of this wake sent while connected: not in the journal, not yet known delivered. */
  #unconfirmed: Reading[] = [];
  #sampled = false;
  #asleep = false;
  /** When this wake first saw the broker connected. */
  #connectedAt: number | undefined;

  constructor(parts: SleepParts, options: SleepOptions, record: SleepRecord | undefined, boot: number) {
    this.#parts = parts;
    this.#o = options;
    this.#record = record;
    this.#boot = boot;
    this.#start = options.clock.now();
  }

  /** Starts the wake: the sensor begins integrating now, the reading is taken once the network is up. */
  start(reading: Tick, health: Tick | undefined): void {
    const r = this.#record;
    const o = this.#o;
    this.#reading = reading;
    this.#health = health;
    o.log.info(
      r === undefined
        ? `sleep: power-on (boot ${this.#boot}); waking every ${this.#parts.settings.values.interval / 1000} s, awake at most ${o.awakeMax / 1000} s`
        : `sleep: wake ${r.wakes + 1} since power-on (boot ${r.boot}, last seq ${r.seq}, ${Math.round(r.awakeMs / 1000)} s awake of ${Math.round(r.uptimeMs / 1000)} s)`,
    );
    const interval = this.#parts.settings.values.interval;
    if (r === undefined && o.awakeMax >= interval) {
      o.log.warn(
        `sleep: awake_max (${o.awakeMax / 1000} s) is not shorter than sample_interval (${interval / 1000} s): while the broker is away the board wakes every ${(o.awakeMax + MIN_SLEEP_MS) / 1000} s`,
      );
    }
    reading.sample();
    this.#poll = o.timers.repeat(() => this.#check(), POLL_MS);
    this.#deadline = o.timers.set(() => this.#sleep("awake_max reached"), o.awakeMax);
  }

  /** A reading entered the outbox; one sent while connected is not journaled by the app. */
  onReading(reading: Reading, connected: boolean): void {
    this.#sampled = true;
    if (connected) this.#unconfirmed.push(reading);
  }

  /** Cancels the wake's timers (the app stops). */
  stop(): void {
    this.#o.timers.clear(this.#poll);
    this.#o.timers.clear(this.#deadline);
    this.#poll = this.#deadline = undefined;
  }

  #delivered(): boolean {
    const c = this.#parts.connection;
    return c.connected && c.outbox.length === 0;
  }

  #check(): void {
    const parts = this.#parts;
    if (!this.#sampled) {
      const now = this.#o.clock.now();
      if (this.#connectedAt === undefined && parts.connection.connected) this.#connectedAt = now;
      const connected =
        this.#connectedAt !== undefined && (!this.#o.networkTime || now - this.#connectedAt >= TIME_GRACE_MS);
      const ready = (this.#o.networkTime && parts.time.synced) || connected;
      const late = now - this.#start >= this.#o.awakeMax / 2;
      if (ready || late) this.#reading!.sample();
      if (this.#sampled) this.#health?.sample();
      // No sensor to read: nothing will come this wake; report health (I2C errors) and sleep
      // once the backlog is delivered.
      else if (ready && parts.light.stats.unavailable > 0 && this.#delivered()) {
        this.#health?.sample();
        this.#sleep("no reading (the sensor does not answer)");
      }
      return;
    }
    if (this.#delivered()) this.#sleep("delivered");
  }

  #sleep(why: string): void {
    if (this.#asleep) return;
    this.#asleep = true;
    const { log, sleep, timers, clock } = this.#o;
    if (!this.#sampled) this.#reading!.sample();
    if (!this.#sampled) log.warn("sleep: the sensor gave no reading this wake");
    const parts = this.#parts;
    const journal = parts.journal;
    const settled = this.#delivered();
    if (settled) {
      journal?.clear();
    } else if (journal !== undefined) {
      const dropped = journal.dropped;
      for (const reading of this.#unconfirmed) journal.append(reading);
      if (journal.dropped > dropped)
        log.warn(
          `sleep: the journal is full (queue_persist_max=${journal.max}); the oldest readings were dropped, ${journal.dropped} so far`,
        );
    }
    const awake = clock.now() - this.#start;
    const r = this.#record;
    const ms = Math.max(MIN_SLEEP_MS, parts.settings.values.interval - awake - FLUSH_MS);
    sleep.write(
      encodeRecord({
        boot: this.#boot,
        seq: parts.light.stats.readings,
        wakes: (r?.wakes ?? 0) + 1,
        awakeMs: ((r?.awakeMs ?? 0) + awake) >>> 0,
        uptimeMs: parts.time.uptime() + FLUSH_MS + ms,
        settled,
      }),
    );
    const queued = journal?.length ?? 0;
    log.info(
      `sleep: ${why}; awake ${awake} ms, ${queued === 0 ? "nothing queued" : `${queued} readings queued for the next wake`}; sleeping ${ms / 1000} s`,
    );
    parts.stop();
    timers.set(() => sleep.sleep(ms * 1000), FLUSH_MS);
  }
}
