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
  assert.ok(
    Math.abs(sample.illuminance! - 250) / 250 < 0.01,
    `${sample.illuminance} (white LED: the datasheet's reference source)`,
  );
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
  const recomputed =
    (sample.calibration * (sample.full / sample.gainFactor - (1.67099 * sample.ir) / sample.irGainFactor)) /
    sample.integration;
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

test("an IR-rich reading is flagged through to the payload (one field, only when true); raw counts stay", async () => {
  const { LightSource } = await import("../../src/light.js");
  const { jsonPayload } = await import("../../src/payload.js");
  const { smbusClass } = await import("../../host-sim/io/i2c-smbus.js");
  const payload = (source: "a" | "led") => {
    const rig = makeRig({}, { lux: 200, source });
    rig.driver.close();
    const log = { info() {}, warn() {}, error() {} };
    const time = { now: () => ({ ms: rig.clock.now(), source: "uptime" as const }) };
    const light = new LightSource(
      { io: smbusClass(rig.bus), data: 21, clock: 22 },
      "lux-1",
      time,
      rig.clock,
      log as never,
      { gain: "medium", integration: 100, autoRange: true },
    );
    light.sample();
    rig.clock.advance(1_000);
    const reading = light.sample();
    assert.ok(reading && reading.raw);
    light.close();
    return { reading, text: jsonPayload(reading) };
  };
  const a = payload("a");
  assert.equal(a.reading.raw!.irRich, true);
  assert.match(a.text, /"calibration":608,"ir_rich":true/);
  const led = payload("led");
  assert.equal(led.reading.raw!.irRich, undefined);
  assert.doesNotMatch(led.text, /ir_rich/);
  assert.match(led.text, /"full":\d+,"ir":\d+,"gain":"\w+","integration_ms":\d+/);
});
