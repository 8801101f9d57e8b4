// A periodic scheduler in the spirit of ThingFlow's: "sample this sensor every N seconds
// into these sinks". Driven by injected timers (Moddable `timer` on the device), never a
// busy loop. Deadlines are computed from the start time, so ticks do not drift; when the
// board falls behind by whole intervals the missed ticks are skipped and counted, not
// bunched up.
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
  cancel(): void;
}

class PeriodicTask<T> implements Schedule {
  ticks = 0;
  skipped = 0;
  #timer: TimerHandle | undefined;
  #next: number;
  #cancelled = false;

  constructor(
    private readonly timers: Timers,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly source: Source<T>,
    readonly intervalMs: number,
    private readonly sinks: readonly Sink<T>[],
  ) {
    this.#next = clock.now();
    this.#arm(0);
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
      this.log.error(`scheduler: sensor failed: ${describe(error)}`);
      return;
    }
    if (event === undefined) return;
    for (const sink of this.sinks) {
      try {
        sink.onNext(event);
      } catch (error) {
        this.log.error(`scheduler: sink failed: ${describe(error)}`);
      }
    }
  }
}

export class Scheduler {
  readonly #tasks = new Set<Schedule>();

  constructor(
    private readonly timers: Timers,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Samples `source` now and then every `intervalMs`, passing each event to every sink. */
  schedulePeriodic<T>(source: Source<T>, intervalMs: number, ...sinks: Sink<T>[]): Schedule {
    if (!(intervalMs > 0)) throw new RangeError(`scheduler: interval must be positive (got ${intervalMs})`);
    const task = new PeriodicTask(this.timers, this.clock, this.log, source, intervalMs, sinks);
    this.#tasks.add(task);
    return task;
  }

  stop(): void {
    for (const task of this.#tasks) task.cancel();
    this.#tasks.clear();
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
