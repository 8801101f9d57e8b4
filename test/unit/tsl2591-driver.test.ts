// The driver against the register-accurate chip model on a virtual clock (no real sleeping).
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeRig } from "../helpers/tsl2591-rig.js";

test("sample() never waits: undefined until one integration has completed, then a reading", () => {
  const rig = makeRig({ autoRange: false, gain: "medium", integration: 100 });
  assert.equal(rig.driver.sample(), undefined);
  rig.clock.advance(99);
  assert.equal(rig.driver.sample(), undefined);
  rig.clock.advance(1);
  const sample = rig.driver.sample();
  assert.ok(sample);
  assert.equal(sample.gain, "medium");
  assert.equal(sample.gainFactor, 24.5);
  assert.equal(sample.irGainFactor, 24.5);
  assert.equal(sample.integration, 100);
  assert.equal(sample.saturated, false);
  assert.ok(Math.abs(sample.illuminance! - 250) / 250 < 0.01, `${sample.illuminance} (white LED: the datasheet's reference source)`);
  assert.equal(sample.visible, sample.full - sample.ir);
  assert.equal(rig.driver.sample(), undefined, "the same integration is not reported twice");
  rig.clock.advance(100);
  assert.ok(rig.driver.sample());
  assert.deepEqual(rig.errors, []);
});

test("fixed gain: a reading recomputes from its own fields", () => {
  const rig = makeRig({ autoRange: false, gain: "max", integration: 300 }, { lux: 0.5, source: "d65" });
  const { sample } = rig.next();
  assert.ok(sample && sample.illuminance !== null);
  const recomputed = sample.calibration * (sample.full / sample.gainFactor - 1.67099 * sample.ir / sample.irGainFactor) / sample.integration;
  assert.ok(Math.abs(recomputed / sample.illuminance - 1) < 1e-5, `${recomputed} vs ${sample.illuminance}`);
});

test("fixed gain too sensitive for the light: saturated, no number, a lower bound below the truth", () => {
  const rig = makeRig({ autoRange: false, gain: "high", integration: 300 }, { lux: 500, source: "led" });
  const { sample } = rig.next();
  assert.ok(sample);
  assert.equal(sample.saturated, true);
  assert.equal(sample.illuminance, null);
  assert.equal(sample.full, 65535);
  assert.ok(sample.lowerBound !== null && sample.lowerBound < 500, `${sample.lowerBound}`);
});
