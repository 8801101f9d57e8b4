// Auto-range over gain AND integration time, as pure functions (no IO, no state).
// The ladder orders (AGAIN, ATIME) pairs by sensitivity (gainFactor × ms). From one measurement
// the driver jumps straight to the step that puts CH0 near 60 % of full scale, rather than one
// step at a time, so darkness → full sun → darkness each settle within 3 integration cycles.
// The lowest step is always low gain at 100 ms: its 36863 ceiling is the highest lux the chip
// can measure (200 ms at low gain saturates at a lower illuminance).
import { GAIN_FACTORS, integrationMs, maxCount } from "./tsl2591-registers.js";

export interface Range {
  readonly again: number; // 0..3
  readonly atime: number; // 0..5
}

/** Aim for this fraction of full scale after a jump. */
const TARGET = 0.6;
/** Move to a less sensitive step above this fraction of full scale. */
const HIGH_WATER = 0.9;
/** Below this many CH0 counts a reading is too coarse to report unless no step is more sensitive. */
export const MIN_REPORT_COUNTS = 500;
/** Integration beyond the base time is only worth its slower rate below this many counts. */
const ENOUGH_COUNTS = 2000;

export function sensitivity(range: Range): number {
  return (GAIN_FACTORS[range.again] ?? 1) * integrationMs(range.atime);
}

/**
 * Steps for a base integration time: low gain at 100 ms, then every gain at the base time,
 * then max gain at each longer time up to 600 ms (only darkness needs those).
 */
export function ladder(baseAtime: number): readonly Range[] {
  const steps: Range[] = [{ again: 0, atime: 0 }];
  for (let again = 0; again < 4; again++) {
    if (again !== 0 || baseAtime !== 0) steps.push({ again, atime: baseAtime });
  }
  for (let atime = baseAtime + 1; atime <= 5; atime++) steps.push({ again: 3, atime });
  return Object.freeze(steps);
}

export interface RangeDecision {
  /** Ladder index for the next integration. */
  next: number;
  /** Whether this measurement is good enough to report. */
  report: boolean;
}

/** Index of max gain at the base time: steps above it only lengthen the integration. */
function maxGainStep(steps: readonly Range[]): number {
  const i = steps.findIndex((s) => s.again === 3);
  return i < 0 ? steps.length - 1 : i;
}

/**
 * Highest step whose predicted CH0 (at `rate` counts per unit of sensitivity) stays ≤ TARGET,
 * except that a longer-than-base integration is avoided while a shorter one gives enough counts.
 */
function bestStep(steps: readonly Range[], rate: number): number {
  let best = 0;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (rate * sensitivity(step) <= TARGET * maxCount(integrationMs(step.atime))) best = i;
  }
  const floor = maxGainStep(steps);
  while (best > floor && rate * sensitivity(steps[best - 1]!) >= ENOUGH_COUNTS) best--;
  return best;
}

/** Decide the next range from a measurement (ch0, ch1) taken at `steps[index]`. */
export function decide(steps: readonly Range[], index: number, ch0: number, ch1: number): RangeDecision {
  const here = steps[index]!;
  const full = maxCount(integrationMs(here.atime));
  const top = steps.length - 1;
  const peak = Math.max(ch0, ch1);
  if (peak >= full) {
    // Saturated: only a lower bound is known; go straight to the least sensitive step.
    return { next: 0, report: index === 0 };
  }
  if (peak > HIGH_WATER * full) {
    return { next: Math.min(index, bestStep(steps, peak / sensitivity(here))), report: true };
  }
  // One count more than measured is a safe upper estimate of the light when counts are few.
  const best = bestStep(steps, (peak + 1) / sensitivity(here));
  // Gain steps only move up here (hysteresis); a needlessly long integration is shortened.
  const next = best > index || index > maxGainStep(steps) ? best : index;
  return { next, report: ch0 >= MIN_REPORT_COUNTS || index === top || next === index };
}
