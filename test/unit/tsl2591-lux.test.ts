// The driver's lux function (drivers/tsl2591/tsl2591-lux.ts) on hand-computed vectors, the
// saturation cases, the zero edges and the IR-rich flag; then the other formulas in use
// (bench/lux-formulas.ts) against reference vectors computed by hand from each formula.
// Hand arithmetic: w = 257.5/154.1 = 1.6709929 (datasheet Re at 850 nm), lux = 608 (c0/g0 − w c1/g1) / ms.
import { test } from "node:test";
import assert from "node:assert/strict";
import { IR_WEIGHT, computeLux, isIrRich, isSaturated, luxFromCounts } from "../../drivers/tsl2591/tsl2591-lux.js";
import { maxCount } from "../../drivers/tsl2591/tsl2591-registers.js";
import { FORMULAS, adafruit, dn40Style } from "../../bench/lux-formulas.js";

// [#, g0, g1, ms, ch0, ch1, lux, arithmetic]
const VECTORS: readonly [number, number, number, number, number, number, number, string][] = [
  [1, 1, 1, 100, 20000, 5000, 70801.817002, "608 × (20000 − 8354.964) / 100"],
  [2, 24.5, 24.5, 100, 1000, 200, 165.227456, "608 × (40.81633 − 13.64076) / 100"],
  [3, 24.5, 24.5, 300, 5000, 1000, 275.379094, "608 × (204.0816 − 68.2038) / 300"],
  [4, 400, 400, 200, 10000, 2500, 44.251136, "608 × (25 − 10.44371) / 200"],
  [5, 9200, 9900, 600, 30000, 6000, 2.278122, "608 × (3.260870 − 1.012723) / 600: CH1's own max gain"],
  [6, 1, 1, 600, 60000, 30000, 10001.817002, "608 × (60000 − 50129.79) / 600"],
  [7, 400, 400, 500, 400, 100, 0.70801817, "608 × (1 − 0.4177482) / 500"],
  [8, 24.5, 24.5, 200, 36000, 9000, 2600.883074, "608 × (1469.388 − 613.8748) / 200"],
  [9, 1, 1, 100, 1234, 1234, 0, "visible part negative: 0, not a negative lux"],
  // #10 replaces the old "IR above full spectrum gives a positive 1.02 lux": CH1 > CH0 is never
  // light (CH1 is at most 0.6 of CH0 even at 850 nm); only dark counts and noise at a few counts
  // make it, so it reads 0 lux and is flagged IR-rich.
  [10, 24.5, 24.5, 400, 100, 150, 0, "40.8 − 1.671 × 61.2 < 0"],
];

function close(actual: number, expected: number, relative = 1e-7): void {
  const tolerance = Math.max(Math.abs(expected) * relative, 1e-12);
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);
}

test("IR_WEIGHT is the datasheet's CH0/CH1 responsivity at 850 nm", () => close(IR_WEIGHT, 1.6709929, 1e-7));

for (const [n, g0, g1, ms, ch0, ch1, lux, how] of VECTORS) {
  test(`vector #${n}: gains ${g0}/${g1}, ${ms} ms, ch0=${ch0} ch1=${ch1} → ${lux} lux (${how})`, () => {
    const result = computeLux(ch0, ch1, ms, g0, g1, 608);
    assert.equal(result.saturated, false);
    assert.equal(result.lowerBound, null);
    close(result.illuminance!, lux);
  });
}

test("IR-rich: CH1 at 0.4 of CH0 or more (gain-normalised) is flagged; ordinary light is not", () => {
  assert.equal(computeLux(100, 150, 400, 24.5, 24.5, 608).irRich, true);
  assert.equal(computeLux(60000, 30000, 600, 1, 1, 608).irRich, true);
  assert.equal(computeLux(20000, 5000, 100, 1, 1, 608).irRich, false);
  assert.equal(isIrRich(10000, 3999, 1, 1), false);
  assert.equal(isIrRich(10000, 4000, 1, 1), true);
  assert.equal(isIrRich(30000, (12000 * 9900) / 9200, 9200, 9900), true, "CH1's max gain is normalised out");
  assert.equal(isIrRich(0, 0, 1, 1), false, "darkness is not IR-rich");
});

test("S1: LOW 200 ms, ch0 = 65535 is saturated: no number, and an honest lower bound", () => {
  const result = computeLux(65535, 1000, 200, 1, 1, 608);
  assert.deepEqual(
    { illuminance: result.illuminance, saturated: result.saturated },
    { illuminance: null, saturated: true },
  );
  close(result.lowerBound!, 194146.5817); // 608 × (65535 − 1670.993) / 200
});

test("S2: MED 100 ms, ch0 = 36863 is the 100 ms full scale, so saturated (Adafruit misses it)", () => {
  assert.equal(maxCount(100), 36863);
  const result = computeLux(36863, 5000, 100, 24.5, 24.5, 608);
  assert.equal(result.illuminance, null);
  assert.equal(result.saturated, true);
  close(result.lowerBound!, 7074.647225); // 608 × (1504.612 − 341.0190) / 100
  assert.equal(computeLux(36862, 5000, 100, 24.5, 24.5, 608).saturated, false);
});

test("saturation on the IR channel alone, and both channels: no lower bound when IR is unknown", () => {
  assert.equal(isSaturated(1000, 65535, 300), true);
  assert.equal(computeLux(65535, 65535, 300, 1, 1, 608).lowerBound, null);
  assert.equal(isSaturated(65534, 65534, 300), false);
});

test("zero edges: ch0 = 0 gives 0 lux (not NaN / Infinity), with or without IR counts", () => {
  for (const ch1 of [0, 5]) {
    const result = computeLux(0, ch1, 100, 1, 1, 608);
    assert.equal(result.illuminance, 0);
    assert.equal(luxFromCounts(0, ch1, 100, 1, 1, 608), 0);
  }
});

// The other formulas on hand-computed reference vectors (Adafruit_TSL2591 v1.4.5: DF 408,
// gains 1/25/428/9876; ESPHome tsl2591.cpp: DF 408.1 with gains 400/9500).
const ADAFRUIT: readonly [number, number, number, number, number][] = [
  [1, 100, 20000, 5000, 45900],
  [25, 100, 1000, 200, 104.448],
  [25, 300, 5000, 1000, 174.08],
  [428, 200, 10000, 2500, 11475 / 428],
  [9876, 600, 30000, 6000, 1088 / 823],
  [1, 600, 60000, 30000, 10200],
  [428, 500, 400, 100, 459 / 1070],
  [25, 200, 36000, 9000, 1652.4],
  [1, 100, 1234, 1234, 0],
];

test("bench formulas: Adafruit reproduces the reference vectors #1–#9; ESPHome and DN40-style their columns", () => {
  for (const [gain, ms, ch0, ch1, lux] of ADAFRUIT) close(adafruit(ch0, ch1, gain, ms, 408)!, lux, 1e-9);
  close(FORMULAS.find((f) => f.name === "ESPHome")!.lux(10000, 2500, 2, 200)!, 28.6945, 1e-5);
  close(FORMULAS.find((f) => f.name === "ESPHome")!.lux(30000, 6000, 3, 600)!, 1.37465, 1e-5);
  close(dn40Style(20000, 5000, 1, 100), 48144, 1e-9);
  close(dn40Style(1000, 200, 25, 100), 109.6704, 1e-9);
  assert.equal(adafruit(0, 5, 1, 100, 408), null, "the library's x/0");
});
