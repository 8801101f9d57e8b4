// Pure lux maths for the TSL2591: no IO, no state, tested against the reference vectors of
// docs/tsl2591.md §7. The formula is the current Adafruit / ESPHome / Zephyr one (§4):
//   cpl = integration × gainFactor / (deviceFactor × glassAttenuation)
//   lux = (ch0 − ch1) × (1 − ch1 / ch0) / cpl = divisor × (ch0 − ch1)² / (ch0 × integration × gainFactor)
// which is never negative. Saturation is detected at the per-integration-time full scale,
// 36863 at 100 ms and 65535 otherwise, and then no number is produced at all.
import { maxCount } from "./tsl2591-registers.js";

/** ESPHome's defaults: device factor 53 × glass attenuation 7.7 (open air) = 408.1. */
export const DEFAULT_DEVICE_FACTOR = 53;
export const DEFAULT_GLASS_ATTENUATION = 7.7;

export interface LuxResult {
  /** Lux, or null when a channel is at full scale (the true value is above the range). */
  illuminance: number | null;
  saturated: boolean;
  /** When saturated: lux is at least this much (needs an unsaturated IR channel), else null. */
  lowerBound: number | null;
}

/**
 * The lux formula, unchecked for saturation. `divisor` is deviceFactor × glassAttenuation
 * (408 in the datasheet-derived libraries). ch0 = 0 means no light reached the full-spectrum
 * channel, so the result is 0 (the formula's 0/0 or x/0 is not a measurement).
 */
export function luxFromCounts(ch0: number, ch1: number, integration: number, gainFactor: number, divisor: number): number {
  if (ch0 <= 0) return 0;
  const visible = ch0 - ch1;
  return (divisor * visible * visible) / (ch0 * integration * gainFactor);
}

/** True when either channel reached the full-scale count of this integration time. */
export function isSaturated(ch0: number, ch1: number, integration: number): boolean {
  const max = maxCount(integration);
  return ch0 >= max || ch1 >= max;
}

/** Lux with saturation handled: never -1, 0, NaN or Infinity in place of an over-range value. */
export function computeLux(ch0: number, ch1: number, integration: number, gainFactor: number, divisor: number): LuxResult {
  if (!isSaturated(ch0, ch1, integration)) {
    return { illuminance: luxFromCounts(ch0, ch1, integration, gainFactor, divisor), saturated: false, lowerBound: null };
  }
  const max = maxCount(integration);
  // (ch0 − ch1)² / ch0 grows with ch0 when ch0 > ch1, so with ch1 measured (unsaturated) and the
  // true ch0 at or above full scale, the formula at ch0 = full scale is a lower bound.
  const lowerBound = ch1 < max ? luxFromCounts(max, ch1, integration, gainFactor, divisor) : null;
  return { illuminance: null, saturated: true, lowerBound };
}
