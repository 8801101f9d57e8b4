// A periodic scheduler in the spirit of ThingFlow's: "sample this sensor every N seconds
// into these sinks". Driven by injected timers (Moddable `timer` on the device), never a
// busy loop. Deadlines are computed from the start time, so ticks do not drift; when the
// board falls behind by whole intervals the missed ticks are skipped and counted, not
// bunched up. Like ThingFlow's, a new schedule whose interval is a multiple or a divisor of
// a running one's starts on that one's grid, so harmonic samples fall on the same ticks.
import type { Clock, Logger, TimerHandle, Timers } from "./platform.js";

/** A sensor as ThingFlow's output thing: sample() returns an event, or undefined for none. */
export interface Source<T> {
  sample(): T | undefined;
}

/** ThingFlow's input thing, reduced to what the scheduler calls. */
export interface Sink<T> {
  onNext(event: T): void;
}

export interface Schedule {
  readonly intervalMs: number;
  readonly ticks: number;
  readonly skipped: number;
  /** Failed samples (the source threw), reported in the log. */
  readonly failures: number;
  /** A new interval from now on: the next sample is one new interval away. */
  setPeriod(intervalMs: number): void;
  cancel(): void;
}

class PeriodicTask<T> implements Schedule {
  ticks = 0;
  skipped = 0;
  failures = 0;
  #timer: TimerHandle | undefined;
  #next: number;
  #cancelled = false;

  constructor(
    private readonly timers: Timers,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly source: Source<T>,
    public intervalMs: number,
    private readonly sinks: readonly Sink<T>[],
    /** A time on the grid of a harmonic schedule, or undefined to start now. */
    anchor: number | undefined,
  ) {
    const now = clock.now();
    this.#next = anchor === undefined ? now : anchor + Math.ceil((now - anchor) / intervalMs) * intervalMs;
    this.#arm(this.#next - now);
  }

  get active(): boolean {
    return !this.#cancelled;
  }

  /** The time of the next tick, which is on this schedule's grid. */
  get next(): number {
    return this.#next;
  }

  setPeriod(intervalMs: number): void {
    if (!(intervalMs > 0)) throw new RangeError(`scheduler: interval must be positive (got ${intervalMs})`);
    if (this.#cancelled) return;
    this.timers.clear(this.#timer);
    this.intervalMs = intervalMs;
    this.#next = this.clock.now() + intervalMs;
    this.#arm(intervalMs);
  }

  cancel(): void {
    this.#cancelled = true;
    this.timers.clear(this.#timer);
    this.#timer = undefined;
  }

  #arm(delay: number): void {
    this.#timer = this.timers.set(() => this.#tick(), delay);
  }

  #tick(): void {
    this.#timer = undefined;
    if (this.#cancelled) return;
    this.ticks++;
    this.#run();
    if (this.#cancelled) return;
    const now = this.clock.now();
    this.#next += this.intervalMs;
    if (now >= this.#next) {
      const behind = Math.floor((now - this.#next) / this.intervalMs) + 1;
      this.skipped += behind;
      this.#next += behind * this.intervalMs;
    }
    this.#arm(this.#next - now);
  }

  #run(): void {
    let event: T | undefined;
    try {
      event = this.source.sample();
    } catch (error) {
      this.failures++;
      this.log.error(`scheduler: sensor failed: ${errorMessage(error)}`);
      return;
    }
    if (event === undefined) return;
    for (const sink of this.sinks) {
      try {
        sink.onNext(event);
      } catch (error) {
        this.log.error(`scheduler: sink failed: ${errorMessage(error)}`);
      }
    }
  }
}

/** The sinks of a schedule that has none (most: the dataflow connects its own). */
const NO_SINKS: readonly Sink<never>[] = Object.freeze([]);

export class Scheduler {
  /** An array, not a Set: a board runs one or two schedules (no hash table for them). */
  readonly #tasks: PeriodicTask<unknown>[] = [];

  constructor(
    private readonly timers: Timers,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /**
   * Samples `source` every `intervalMs`, passing each event to every sink: at once, or, when a
   * running schedule's interval is a multiple or divisor of this one, at the next tick of
   * that schedule's grid (ThingFlow's harmonic alignment).
   */
  schedulePeriodic<T>(source: Source<T>, intervalMs: number, ...sinks: Sink<T>[]): Schedule {
    if (!(intervalMs > 0)) throw new RangeError(`scheduler: interval must be positive (got ${intervalMs})`);
    let anchor: number | undefined;
    for (const other of this.#tasks) {
      if (!other.active) continue;
      const [small, large] =
        other.intervalMs < intervalMs ? [other.intervalMs, intervalMs] : [intervalMs, other.intervalMs];
      if (large % small === 0) {
        anchor = other.next;
        break;
      }
    }
    const task = new PeriodicTask<T>(
      this.timers,
      this.clock,
      this.log,
      source,
      intervalMs,
      sinks.length === 0 ? NO_SINKS : sinks,
      anchor,
    );
    this.#tasks.push(task as PeriodicTask<unknown>);
    return task;
  }

  stop(): void {
    for (const task of this.#tasks) task.cancel();
    this.#tasks.length = 0;
  }
}

/** The message of a thrown value, for a log line (an Error's message, else the value as text). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
