// Pure lux maths for the TSL2591: no IO, no state. Chosen by measuring every formula in use
// against a spectral model of the chip (bench/lux-accuracy.ts, README "Sensor accuracy"): the
// datasheet's own numbers give a two-channel formula that subtracts CH1's IR share exactly and
// is calibrated on the datasheet's reference white LED:
//   lux = calibration × max(0, ch0/g0 − IR_WEIGHT × ch1/g1) / integration
// with g0, g1 each channel's gain (CH1's maximum gain differs from CH0's). Datasheet v2-04
// "ALS Characteristics", irradiance responsivity at high gain, 100 ms:
// - 850 nm LED: CH0 257.5, CH1 154.1 counts per µW/cm². Pure 850 nm light has no lux, so
//   IR_WEIGHT = 257.5 / 154.1 = 1.671 cancels it.
// - White LED: CH0 264.1, CH1 34.9 counts per µW/cm², which is 3.13 lux for a neutral-white
//   LED (luminous efficacy of its radiation 313 lm/W). So 1 lux gives (264.1 − 1.671 × 34.9)
//   / 3.13 = 65.7 gain-normalised counts per 100 ms at gain 400: calibration = 400 × 100 / 65.7 = 608.
// Saturation is detected at the per-integration-time full scale (36863 at 100 ms, 65535 else),
// and then no number is produced at all. Where CH1 carries more than IR_RICH of the gain-
// normalised CH0 signal the light is mostly IR and no two-channel formula is accurate:
// the result says so (`irRich`).
import { maxCount } from "./tsl2591-registers.js";

/** Datasheet-derived calibration (see above); ESPHome's `device_factor` plays this role. */
export const DEFAULT_DEVICE_FACTOR = 608;
/** Open air: no window in front of the sensor. */
export const DEFAULT_GLASS_ATTENUATION = 1;
/** CH0/CH1 responsivity ratio at 850 nm (datasheet Re table). */
export const IR_WEIGHT = 257.5 / 154.1;
/** Gain-normalised CH1/CH0 at or above which a reading is flagged IR-rich. */
export const IR_RICH = 0.4;

export interface LuxResult {
  /** Lux, or null when a channel is at full scale (the true value is above the range). */
  illuminance: number | null;
  saturated: boolean;
  /** When saturated: lux is at least this much (needs an unsaturated IR channel), else null. */
  lowerBound: number | null;
  /** Mostly IR light: the lux value is not trustworthy to better than tens of percent. */
  irRich: boolean;
}

/**
 * The lux formula, unchecked for saturation. g0 and g1 are the channels' gains at the AGAIN in
 * use, `calibration` is deviceFactor × glassAttenuation. No light (or less visible than IR
 * signal, which only noise and dark counts produce) is 0 lux, never negative, NaN or Infinity.
 */
export function luxFromCounts(
  ch0: number,
  ch1: number,
  integration: number,
  g0: number,
  g1: number,
  calibration: number,
): number {
  const visible = ch0 / g0 - (IR_WEIGHT * ch1) / g1;
  return visible > 0 ? (calibration * visible) / integration : 0;
}

/** True when CH1 is at least IR_RICH of CH0, both normalised by their gains (and CH0 saw light). */
export function isIrRich(ch0: number, ch1: number, g0: number, g1: number): boolean {
  return ch1 > 0 && ch1 / g1 >= (IR_RICH * ch0) / g0;
}

/** True when either channel reached the full-scale count of this integration time. */
export function isSaturated(ch0: number, ch1: number, integration: number): boolean {
  const max = maxCount(integration);
  return ch0 >= max || ch1 >= max;
}

/** Lux with saturation handled: never -1, NaN or Infinity in place of an over-range value. */
export function computeLux(
  ch0: number,
  ch1: number,
  integration: number,
  g0: number,
  g1: number,
  calibration: number,
): LuxResult {
  const irRich = isIrRich(ch0, ch1, g0, g1);
  if (!isSaturated(ch0, ch1, integration)) {
    return {
      illuminance: luxFromCounts(ch0, ch1, integration, g0, g1, calibration),
      saturated: false,
      lowerBound: null,
      irRich,
    };
  }
  const max = maxCount(integration);
  // The formula grows with ch0, so with ch1 measured (unsaturated) and the true ch0 at or above
  // full scale, the formula at ch0 = full scale is a lower bound.
  const lowerBound = ch1 < max ? luxFromCounts(max, ch1, integration, g0, g1, calibration) : null;
  return { illuminance: null, saturated: true, lowerBound, irRich };
}
