// Interrupts and persistence: the chip model's rules (ams TSL2591 datasheet: "ALS Interrupt
// Threshold Register (0x04 − 0x0B)", the PERSIST register 0x0C, STATUS 0x13 and the "Command
// Register"'s interrupt special functions) at register level,
// then the driver's thresholds, persistence and onAlert by polling and by the INT pin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { VirtualClock } from "../../host-sim/clock.js";
import { I2CBus } from "../../host-sim/io/i2c.js";
import { smbusClass } from "../../host-sim/io/i2c-smbus.js";
import { Tsl2591Model } from "../../host-sim/chips/tsl2591.js";
import { intPinDigital } from "../../host-sim/chips/tsl2591-int.js";
import { sourceResponse } from "../../host-sim/chips/tsl2591-adc.js";
import TSL2591 from "../../drivers/tsl2591/tsl2591.js";
import { makeRig } from "../helpers/tsl2591-rig.js";

/** Lux of the (default, white LED) scene that gives `c0` counts at low gain, 100 ms. */
const luxFor = (c0: number): number => c0 / (sourceResponse("led").ch0 * 100);

function chip(c0: number) {
  const clock = new VirtualClock(0);
  const bus = new I2CBus();
  const light = { lux: luxFor(c0) };
  const model = new Tsl2591Model({ clock, timers: clock, scene: () => light });
  bus.attach(0x29, model);
  model.watchInterrupt(() => {}); // a watcher makes the model run each cycle on the clock's timers
  const io = new (smbusClass(bus))({ data: 1, clock: 2, hz: 100_000, address: 0x29 });
  return { clock, model, io, light };
}

test("persist filter: AINT after APERS-many consecutive out-of-range cycles; an in-range cycle resets the count", () => {
  const { clock, io, light } = chip(100);
  io.writeBuffer(0xa4, Uint8Array.of(50, 0, 200, 0)); // AILT = 50, AIHT = 200
  io.writeUint8(0xac, 3); // APERS 3: three consecutive cycles
  io.writeUint8(0xa0, 0x03);
  light.lux = luxFor(1000); // C0 = 1000 > AIHT
  clock.advance(200);
  assert.equal(io.readUint8(0xb3) & 0x10, 0, "two cycles out of range");
  light.lux = luxFor(100);
  clock.advance(100); // back in range: counter resets
  light.lux = luxFor(1000);
  clock.advance(200);
  assert.equal(io.readUint8(0xb3) & 0x10, 0);
  clock.advance(100);
  assert.equal(io.readUint8(0xb3) & 0x10, 0x10, "third consecutive cycle");
  assert.equal(io.readUint16(0xb4), 1000);
});

test("APERS 0 sets AINT every cycle; the no-persist interrupt fires on one cycle; status bits ignore the enables", () => {
  const { clock, io, model } = chip(100);
  io.writeBuffer(0xa4, Uint8Array.of(0, 0, 0xff, 0xff, 0, 0, 50, 0)); // wide persist window; NPAIHT = 50
  io.writeUint8(0xa0, 0x03);
  clock.advance(100);
  assert.equal(io.readUint8(0xb3), 0x31, "AINT (APERS 0), NPINTR (100 > 50), AVALID");
  assert.equal(model.interruptAsserted, false, "INT stays high without AIEN/NPIEN");
  io.writeUint8(0xa0, 0x13);
  assert.equal(model.interruptAsserted, true);
  io.sendByte(0xe6);
  assert.equal(io.readUint8(0xb3), 0x21);
  io.sendByte(0xea);
  assert.equal(io.readUint8(0xb3), 0x01);
  io.sendByte(0xe4);
  assert.equal(io.readUint8(0xb3), 0x31, "forced interrupt");
  io.sendByte(0xe7);
  assert.equal(io.readUint8(0xb3), 0x01);
});

test("sleep after interrupt: the ADC stops after the cycle that asserted INT and resumes when cleared", () => {
  const { clock, io, model } = chip(100);
  io.writeUint8(0xa0, 0x53); // SAI | AIEN | AEN | PON, APERS 0: interrupt every cycle
  clock.advance(1_000);
  assert.equal(model.cycles, 1);
  io.sendByte(0xe6);
  clock.advance(1_000);
  assert.equal(model.cycles, 2);
});

test("driver thresholds and persistence: registers written, onAlert by polling sample() once the filter passes", () => {
  const alerts: number[] = [];
  const rig = makeRig(
    {
      autoRange: false,
      gain: "low",
      thresholds: { low: 50, high: 200 },
      persistence: 2,
      onAlert: () => alerts.push(rig.clock.now()),
    },
    { lux: luxFor(100) } /* C0 = 100 */,
  );
  assert.deepEqual(
    [0x04, 0x05, 0x06, 0x07, 0x0c, 0x00].map((r) => rig.model.peek(r)),
    [50, 0, 200, 0, 2, 0x13],
  );
  for (let i = 0; i < 5; i++) rig.next();
  assert.deepEqual(alerts, [], "in range");
  rig.light.lux *= 10;
  rig.next();
  assert.deepEqual(alerts, []);
  rig.next();
  assert.equal(alerts.length, 1, "second consecutive cycle out of range");
  rig.next();
  assert.equal(alerts.length, 2, "the chip interrupts again each cycle while the filter stays satisfied");
  rig.light.lux /= 10;
  for (let i = 0; i < 5; i++) rig.next();
  assert.equal(alerts.length, 2, "back in range: no more alerts");
});

test("driver alert pin: the INT line falls, onAlert runs without any sample() call, the interrupt is cleared", () => {
  const clock = new VirtualClock(0);
  const bus = new I2CBus();
  const light = { lux: 100 };
  const model = new Tsl2591Model({ clock, timers: clock, scene: () => light });
  bus.attach(0x29, model);
  const alerts: number[] = [];
  const driver = new TSL2591({
    sensor: { io: smbusClass(bus), data: 21, clock: 22 },
    alert: { io: intPinDigital(model, clock), pin: 4 },
    onAlert: () => alerts.push(clock.now()),
    autoRange: false,
    gain: "medium",
    thresholds: { low: 0, high: 20_000 },
    persistence: 1,
  });
  clock.advance(1_000);
  assert.deepEqual(alerts, []);
  light.lux = 10_000;
  clock.advance(100);
  assert.deepEqual(alerts, [1_100], "at the end of the first out-of-range cycle");
  assert.equal(model.peek(0x13) & 0x10, 0, "driver cleared AINT");
  assert.equal(model.interruptAsserted, false, "INT released");
  light.lux = 100;
  clock.advance(500);
  assert.deepEqual(alerts, [1_100], "in range again: no further alert");
  driver.close();
});

test("power-save never powers the chip down while interrupt thresholds are set: the ADC must run to watch them", () => {
  const rig = makeRig({ thresholds: { low: 0, high: 20_000 }, powerSave: true }, { lux: 100 }, undefined, true);
  rig.next();
  rig.driver.sampleIn(60_000);
  rig.clock.advance(30_000);
  assert.equal(rig.model.peek(0x00), 0x13, "AIEN | AEN | PON kept");
  const cycles = rig.model.cycles;
  rig.clock.advance(1_000);
  assert.equal(rig.model.cycles, cycles + 10);
});
