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
  assert.equal(sample.gainFactor, 25);
  assert.equal(sample.integration, 100);
  assert.equal(sample.saturated, false);
  assert.ok(Math.abs(sample.illuminance! - 250) / 250 < 0.02, `${sample.illuminance}`);
  assert.equal(sample.visible, sample.full - sample.ir);
  assert.equal(rig.driver.sample(), undefined, "the same integration is not reported twice");
  rig.clock.advance(100);
  assert.ok(rig.driver.sample());
  assert.deepEqual(rig.errors, []);
});

test("fixed gain: a reading recomputes from its own fields", () => {
  const rig = makeRig({ autoRange: false, gain: "high", integration: 300 }, { lux: 25, irFraction: 0.3 });
  const { sample } = rig.next();
  assert.ok(sample && sample.illuminance !== null);
  const recomputed = sample.calibration * sample.visible ** 2 / (sample.full * sample.integration * sample.gainFactor);
  assert.ok(Math.abs(recomputed - sample.illuminance) < 1e-9);
});

test("fixed gain too sensitive for the light: saturated, no number, a lower bound below the truth", () => {
  const rig = makeRig({ autoRange: false, gain: "high", integration: 300 }, { lux: 250, irFraction: 0.2 });
  const { sample } = rig.next();
  assert.ok(sample);
  assert.equal(sample.saturated, true);
  assert.equal(sample.illuminance, null);
  assert.equal(sample.full, 65535);
  assert.ok(sample.lowerBound !== null && sample.lowerBound < 250, `${sample.lowerBound}`);
});
