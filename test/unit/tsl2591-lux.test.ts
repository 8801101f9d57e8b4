// The pure lux function against the reference vectors of docs/tsl2591.md §7 (hand-computed
// "exact lux" column, DF = 408, gains 1/25/428/9876), both saturation cases and the zero edges.
import { test } from "node:test";
import assert from "node:assert/strict";
import { computeLux, isSaturated, luxFromCounts } from "../../drivers/tsl2591/tsl2591-lux.js";
import { maxCount } from "../../drivers/tsl2591/tsl2591-registers.js";

const GAIN = { low: 1, medium: 25, high: 428, max: 9876 } as const;

// [#, gain, ms, ch0, ch1, exact lux]
const VECTORS: readonly [number, keyof typeof GAIN, number, number, number, number][] = [
  [1, "low", 100, 20000, 5000, 45900],
  [2, "medium", 100, 1000, 200, 104.448],
  [3, "medium", 300, 5000, 1000, 174.08],
  [4, "high", 200, 10000, 2500, 11475 / 428],
  [5, "max", 600, 30000, 6000, 1088 / 823],
  [6, "low", 600, 60000, 30000, 10200],
  [7, "high", 500, 400, 100, 459 / 1070],
  [8, "medium", 200, 36000, 9000, 1652.4],
  [9, "low", 100, 1234, 1234, 0],
  [10, "medium", 400, 100, 150, 1.02],
];

function close(actual: number, expected: number, relative = 1e-9): void {
  const tolerance = Math.max(Math.abs(expected) * relative, 1e-12);
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);
}

for (const [n, gain, ms, ch0, ch1, lux] of VECTORS) {
  test(`reference vector #${n}: ${gain} ${ms} ms, ch0=${ch0} ch1=${ch1} → ${lux} lux`, () => {
    const result = computeLux(ch0, ch1, ms, GAIN[gain], 408);
    assert.equal(result.saturated, false);
    assert.equal(result.lowerBound, null);
    close(result.illuminance!, lux);
  });
}

test("ESPHome calibration: divisor 53 × 7.7 reproduces ESPHome's column for #1 scaled by 408.1/408", () => {
  close(luxFromCounts(20000, 5000, 100, 1, 53 * 7.7), 45900 * 408.1 / 408);
});

test("S1: LOW 200 ms, ch0 = 65535 is saturated: no number, and an honest lower bound", () => {
  const result = computeLux(65535, 1000, 200, 1, 408);
  assert.deepEqual({ illuminance: result.illuminance, saturated: result.saturated }, { illuminance: null, saturated: true });
  close(result.lowerBound!, 129642.53, 1e-7); // the unchecked formula at full scale
});

test("S2: MED 100 ms, ch0 = 36863 is the 100 ms full scale, so saturated (Adafruit misses it)", () => {
  assert.equal(maxCount(100), 36863);
  const result = computeLux(36863, 5000, 100, 25, 408);
  assert.equal(result.illuminance, null);
  assert.equal(result.saturated, true);
  close(result.lowerBound!, 31863 ** 2 * 408 / (36863 * 2500));
  assert.equal(computeLux(36862, 5000, 100, 25, 408).saturated, false);
});

test("saturation on the IR channel alone, and both channels: no lower bound when IR is unknown", () => {
  assert.equal(isSaturated(1000, 65535, 300), true);
  assert.equal(computeLux(65535, 65535, 300, 1, 408).lowerBound, null);
  assert.equal(isSaturated(65534, 65534, 300), false);
});

test("zero edges: ch0 = 0 gives 0 lux (not NaN / Infinity), with or without IR counts", () => {
  for (const ch1 of [0, 5]) {
    const result = computeLux(0, ch1, 100, 1, 408);
    assert.equal(result.illuminance, 0);
    assert.equal(Number.isFinite(result.illuminance), true);
  }
});
