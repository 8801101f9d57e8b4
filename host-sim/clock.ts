// Time for the simulated board: the same Timers/Clock seam the firmware is written against
// (src/platform.ts), either on the host's real clock or on a virtual clock that tests advance.
import type { Clock, TimerHandle, Timers } from "../src/platform.js";

export interface BoardClock extends Timers, Clock {}

/** Real time: Moddable timers on Node's event loop; now() is wall-clock milliseconds. */
export class RealClock implements BoardClock {
  readonly #live = new Set<NodeJS.Timeout>();
  /** Milliseconds the board's time has jumped ahead of the host's (deep sleep). */
  skipped = 0;

  now(): number {
    return Date.now() + this.skipped;
  }

  /** Time jumps ahead by `milliseconds` at once (a deep sleep the simulation does not wait out). */
  skip(milliseconds: number): void {
    this.skipped += milliseconds;
  }

  set(callback: () => void, milliseconds: number): TimerHandle {
    const handle = setTimeout(
      () => {
        this.#live.delete(handle);
        callback();
      },
      Math.max(0, milliseconds),
    );
    this.#live.add(handle);
    return handle;
  }

  repeat(callback: () => void, milliseconds: number): TimerHandle {
    const handle = setInterval(callback, Math.max(1, milliseconds));
    this.#live.add(handle);
    return handle;
  }

  clear(handle: TimerHandle | undefined): void {
    if (handle === undefined) return;
    const timeout = handle as NodeJS.Timeout;
    clearTimeout(timeout);
    this.#live.delete(timeout);
  }

  /** Cancels every timer the board still has (board shutdown). */
  clearAll(): void {
    for (const handle of this.#live) clearTimeout(handle);
    this.#live.clear();
  }
}

interface VirtualTimer {
  due: number;
  seq: number;
  period: number;
  callback: () => void;
}

/** Virtual time for deterministic tests: nothing happens until advance() is called. */
export class VirtualClock implements BoardClock {
  #now: number;
  #seq = 0;
  readonly #timers = new Set<VirtualTimer>();

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  set(callback: () => void, milliseconds: number): TimerHandle {
    return this.#add(callback, milliseconds, 0);
  }

  repeat(callback: () => void, milliseconds: number): TimerHandle {
    return this.#add(callback, milliseconds, Math.max(1, milliseconds));
  }

  clear(handle: TimerHandle | undefined): void {
    if (handle !== undefined) this.#timers.delete(handle as VirtualTimer);
  }

  get pending(): number {
    return this.#timers.size;
  }

  /** Runs every timer due within the next `milliseconds`, in due order, then sets the time. */
  advance(milliseconds: number): void {
    const end = this.#now + milliseconds;
    for (;;) {
      const next = this.#earliest();
      if (next === undefined || next.due > end) break;
      this.#now = next.due;
      if (next.period > 0) {
        next.due += next.period;
        next.seq = this.#seq++;
      } else {
        this.#timers.delete(next);
      }
      next.callback();
    }
    this.#now = end;
  }

  #add(callback: () => void, milliseconds: number, period: number): TimerHandle {
    const timer: VirtualTimer = { due: this.#now + Math.max(0, milliseconds), seq: this.#seq++, period, callback };
    this.#timers.add(timer);
    return timer;
  }

  #earliest(): VirtualTimer | undefined {
    let best: VirtualTimer | undefined;
    for (const t of this.#timers) {
      if (best === undefined || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
