// Sample times at the board boundary, without touching the firmware: each board's clock is
// a RealClock whose timer callbacks are wrapped. When a callback makes the board's reading
// count (app.light.stats.readings, which is the reading's seq) go up, the time the callback
// started is that reading's sample time — the scheduler samples and publishes inside one
// timer callback. The callback's lateness against the time it was due is kept too: it shows
// an event loop that cannot keep up before the latency does.
import type { App } from "../src/app.js";
import type { TimerHandle } from "../src/platform.js";
import { RealClock } from "../host-sim/clock.js";

export const hostNow = () => performance.timeOrigin + performance.now();

export class ProbeClock extends RealClock {
  app: App | undefined;
  /** seq → [sample time, time the sample was scheduled for] (hostNow ms). */
  readonly samples = new Map<number, [number, number]>();
  readonly lateness: number[] = [];
  recording = false;
  /** Called for each reading taken while recording. */
  onTaken: () => void = () => {};

  override set(callback: () => void, milliseconds: number): TimerHandle {
    const due = hostNow() + Math.max(0, milliseconds);
    return super.set(() => {
      const app = this.app;
      const before = app?.light.stats.readings ?? 0;
      const start = hostNow();
      callback();
      const after = app?.light.stats.readings ?? 0;
      if (after > before) {
        this.samples.set(after, [start, due]);
        if (this.recording) {
          this.lateness.push(start - due);
          this.onTaken();
        }
      }
    }, milliseconds);
  }
}
