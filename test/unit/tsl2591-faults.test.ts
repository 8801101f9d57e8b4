// Faults: wrong ID, NACK, absent sensor, unplug/replug, a silent power glitch. Each is one
// onError line per transition, counted in `errors`, never a fake reading, and readings resume.
import { test } from "node:test";
import assert from "node:assert/strict";
import { VirtualClock } from "../../host-sim/clock.js";
import { I2CBus } from "../../host-sim/io/i2c.js";
import { smbusClass } from "../../host-sim/io/i2c-smbus.js";
import { Tsl2591Model } from "../../host-sim/chips/tsl2591.js";
import TSL2591 from "../../drivers/tsl2591/tsl2591.js";
import { makeRig } from "../helpers/tsl2591-rig.js";

function sensorOn(bus: I2CBus, closed: { count: number }) {
  const Base = smbusClass(bus);
  class Tracked extends Base {
    override close(): void {
      closed.count++;
      super.close();
    }
  }
  return { io: Tracked, data: 21, clock: 22 };
}

test("nothing at 0x29: the constructor throws one clear line and closes the IO", () => {
  const closed = { count: 0 };
  assert.throws(() => new TSL2591({ sensor: sensorOn(new I2CBus(), closed) }), {
    message: "tsl2591: no answer at 0x29 (check wiring)",
  });
  assert.equal(closed.count, 1);
});

test("wrong chip ID: the constructor throws naming the ID, and closes the IO", () => {
  const clock = new VirtualClock();
  const bus = new I2CBus();
  const model = new Tsl2591Model({ clock, scene: () => ({ lux: 1, irFraction: 0 }) });
  model.chipId = 0x12;
  bus.attach(0x29, model);
  const closed = { count: 0 };
  assert.throws(() => new TSL2591({ sensor: sensorOn(bus, closed) }), {
    message: "tsl2591: unexpected chip ID 0x12 at 0x29 (want 0x50)",
  });
  assert.equal(closed.count, 1);
});

test("a chip that NACKs everything is reported like an absent one; bad options never open the IO", () => {
  const clock = new VirtualClock();
  const bus = new I2CBus();
  const model = new Tsl2591Model({ clock, scene: () => ({ lux: 1, irFraction: 0 }) });
  model.nack = true;
  bus.attach(0x29, model);
  const closed = { count: 0 };
  assert.throws(() => new TSL2591({ sensor: sensorOn(bus, closed) }), /no answer at 0x29/);
  assert.throws(() => new TSL2591({ sensor: sensorOn(bus, closed), gain: "huge" as never }), RangeError);
  assert.equal(closed.count, 1);
});

test("unplugged while running: one error line, counted retries, no readings; replugged: set up again and readings resume", () => {
  const rig = makeRig();
  assert.ok(rig.next().sample);
  rig.model.unplug();
  const during: unknown[] = [];
  for (let i = 0; i < 20; i++) {
    during.push(rig.driver.sample());
    rig.clock.advance(100);
  }
  assert.deepEqual(during, new Array(20).fill(undefined));
  assert.deepEqual(rig.errors, ["tsl2591: no answer at 0x29 (write failed)"]);
  assert.equal(rig.driver.errors, 20);
  rig.model.replug();
  assert.equal(rig.model.peek(0x00), 0, "a replugged chip powers up asleep");
  const { sample } = rig.next();
  assert.ok(sample && Math.abs(sample.illuminance! - 250) / 250 < 0.02);
  assert.equal(rig.model.peek(0x00), 0x03);
  assert.equal(rig.errors.length, 1, "recovery is not an error");
});

test("a transient NACK costs one sample and one error; the next sample works", () => {
  const rig = makeRig();
  rig.next();
  rig.clock.advance(100);
  rig.model.nackNext = 1;
  assert.equal(rig.driver.sample(), undefined);
  assert.equal(rig.driver.errors, 1);
  assert.ok(rig.next().sample);
  assert.equal(rig.errors.length, 1);
});

test("replugged with a different part: the wrong ID is reported once, readings resume when the right chip answers", () => {
  const rig = makeRig();
  rig.next();
  rig.model.unplug();
  rig.driver.sample();
  rig.model.chipId = 0x12;
  rig.model.replug();
  for (let i = 0; i < 5; i++) assert.equal(rig.driver.sample(), undefined);
  assert.deepEqual(rig.errors, [
    "tsl2591: no answer at 0x29 (write failed)",
    "tsl2591: unexpected chip ID 0x12 at 0x29 (want 0x50)",
  ]);
  rig.model.chipId = 0x50;
  assert.ok(rig.next().sample);
  assert.equal(rig.errors.length, 2);
});

test("a power glitch between samples (no failed transaction) is noticed, reported once and repaired", () => {
  const rig = makeRig({ gain: "high", autoRange: false }, { lux: 10, irFraction: 0.2 });
  rig.next();
  rig.model.unplug();
  rig.model.replug();
  const { sample } = rig.next();
  assert.ok(sample);
  assert.equal(sample.gain, "high");
  assert.deepEqual(rig.errors, ["tsl2591: chip at 0x29 lost its settings (power glitch?); set up again"]);
});

test("configure() during a fault changes nothing on the bus and is applied on recovery", () => {
  const rig = makeRig({ autoRange: false });
  rig.next();
  rig.model.unplug();
  rig.driver.sample();
  rig.driver.configure({ gain: "low", integration: 300 });
  rig.model.replug();
  const { sample } = rig.next();
  assert.ok(sample);
  assert.deepEqual([sample.gain, sample.integration], ["low", 300]);
});

test("close() powers the chip down, closes the IO, and later samples return undefined", () => {
  const rig = makeRig();
  rig.next();
  rig.driver.close();
  assert.equal(rig.model.peek(0x00), 0x00);
  assert.equal(rig.driver.sample(), undefined);
  rig.driver.close();
});
