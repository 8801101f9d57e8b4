// The lux formulas in use for the TSL2591, as pure functions of raw counts, for the accuracy
// bench (bench/lux-accuracy.ts) and its tests. Each takes CH0, CH1, AGAIN (0..3) and the
// integration time in ms and returns lux (null where the implementation gives no number).
// Sources: Adafruit_TSL2591 v1.4.5 calculateLux, ESPHome tsl2591.cpp get_calculated_lux,
// Adafruit before 2018 / Adafruit_CircuitPython_TSL2591's lux, and the driver.
import { luxFromCounts, DEFAULT_DEVICE_FACTOR } from "../drivers/tsl2591/tsl2591-lux.js";
import { GAIN_FACTORS, GAIN_FACTORS_CH1 } from "../drivers/tsl2591/tsl2591-registers.js";

export interface Formula {
  readonly name: string;
  readonly note: string;
  lux(ch0: number, ch1: number, again: number, ms: number): number | null;
}

const ADAFRUIT_GAINS = [1, 25, 428, 9876];
const ESPHOME_GAINS = [1, 25, 400, 9500];

/** Adafruit's current formula: cpl = ms × gain / DF; lux = (ch0 − ch1)(1 − ch1/ch0) / cpl. */
export function adafruit(ch0: number, ch1: number, gain: number, ms: number, df: number): number | null {
  if (ch0 <= 0) return null; // 0/0 or x/0 in the library
  const cpl = (ms * gain) / df;
  return ((ch0 - ch1) * (1 - ch1 / ch0)) / cpl;
}

/** Adafruit before 2018 and CircuitPython: max((ch0 − 1.64 ch1), (0.59 ch0 − 0.86 ch1)) / cpl, DF 408. */
export function dn40Style(ch0: number, ch1: number, gain: number, ms: number): number {
  const cpl = (ms * gain) / 408;
  return Math.max((ch0 - 1.64 * ch1) / cpl, (0.59 * ch0 - 0.86 * ch1) / cpl);
}

export const FORMULAS: readonly Formula[] = Object.freeze([
  {
    name: "luxflow (datasheet Re)",
    note: `${DEFAULT_DEVICE_FACTOR} × (ch0/g0 − 1.671 ch1/g1) / ms, gains 1/24.5/400/9200 (CH1 9900)`,
    lux: (c0, c1, again, ms) =>
      luxFromCounts(c0, c1, ms, GAIN_FACTORS[again]!, GAIN_FACTORS_CH1[again]!, DEFAULT_DEVICE_FACTOR),
  },
  {
    name: "luxflow before",
    note: "408.1 × (ch0 − ch1)² / (ch0 × ms × gain), gains 1/25/428/9876",
    lux: (c0, c1, again, ms) => (c0 <= 0 ? 0 : (408.1 * (c0 - c1) ** 2) / (c0 * ms * ADAFRUIT_GAINS[again]!)),
  },
  {
    name: "Adafruit",
    note: "(ch0 − ch1)(1 − ch1/ch0) / (ms × gain / 408), gains 1/25/428/9876",
    lux: (c0, c1, again, ms) => adafruit(c0, c1, ADAFRUIT_GAINS[again]!, ms, 408),
  },
  {
    name: "ESPHome",
    note: "the same, DF 53 × 7.7 = 408.1, gains 1/25/400/9500",
    lux: (c0, c1, again, ms) => adafruit(c0, c1, ESPHOME_GAINS[again]!, ms, 408.1),
  },
  {
    name: "DN40-style",
    note: "max(ch0 − 1.64 ch1, 0.59 ch0 − 0.86 ch1) / (ms × gain / 408), gains 1/25/428/9876 (Adafruit < 2018, CircuitPython)",
    lux: (c0, c1, again, ms) => dn40Style(c0, c1, ADAFRUIT_GAINS[again]!, ms),
  },
]);
