// Auto-range over gain and integration time: the pure ladder/decision, convergence in
// integration cycles of the chip model (counted by the model, so no timing assertions), the
// register write sequence at init and at a range change, and accuracy across the whole range.
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeRig, type Rig } from "../helpers/tsl2591-rig.js";
import { decide, ladder, sensitivity } from "../../drivers/tsl2591/tsl2591-range.js";
import { VirtualClock } from "../../host-sim/clock.js";
import { I2CBus } from "../../host-sim/io/i2c.js";
import { smbusClass } from "../../host-sim/io/smbus.js";
import { Tsl2591Model } from "../../host-sim/chips/tsl2591.js";
import TSL2591 from "../../drivers/tsl2591/tsl2591.js";

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");

/** Cycles the chip completes from a light change (at a cycle end) to the driver's next report. */
export function cyclesToReport(rig: Rig, lux: number): { cycles: number; sample: NonNullable<ReturnType<Rig["next"]>["sample"]> } {
  rig.light.lux = lux;
  const before = rig.model.cycles;
  const { sample } = rig.next(5_000, 1);
  assert.ok(sample, `no reading at ${lux} lux`);
  return { cycles: rig.model.cycles - before, sample };
}

test("ladder: sensitivity strictly increases; low gain at 100 ms first, max gain at 600 ms last", () => {
  for (let base = 0; base <= 5; base++) {
    const steps = ladder(base);
    assert.deepEqual(steps[0], { again: 0, atime: 0 });
    assert.deepEqual(steps.at(-1), { again: 3, atime: 5 });
    for (let i = 1; i < steps.length; i++) assert.ok(sensitivity(steps[i]!) > sensitivity(steps[i - 1]!));
  }
});

test("decide: saturation jumps to the least sensitive step; near-zero counts jump up, unreported", () => {
  const steps = ladder(0);
  assert.deepEqual(decide(steps, 5, 65535, 100), { next: 0, report: false });
  assert.deepEqual(decide(steps, 0, 36863, 100), { next: 0, report: true });
  const up = decide(steps, 0, 0, 0);
  assert.equal(up.report, false);
  assert.deepEqual(steps[up.next], { again: 3, atime: 0 }, "no counts at low gain: straight to max gain");
  const longer = decide(steps, 3, 38, 8); // 0.01 lux at max gain, 100 ms: too few counts
  assert.deepEqual([steps[longer.next], longer.report], [{ again: 3, atime: 5 }, false]);
  const shorter = decide(steps, 8, 30_000, 6_000); // plenty at 600 ms: a shorter time is enough
  assert.deepEqual([steps[shorter.next], shorter.report], [{ again: 3, atime: 0 }, true]);
  assert.deepEqual(decide(steps, 1, 20_000, 4_000), { next: 1, report: true });
});

test("init writes: ID check, ADC off, CONTROL, no-persist window as data-ready flag, clear, enable", () => {
  const rig = makeRig({ gain: "medium", integration: 200, autoRange: false }, undefined);
  // Re-run setup with logging on, via configure (the same #setup the constructor runs).
  rig.bus.logging = true;
  rig.driver.configure({ gain: "high" });
  assert.deepEqual(rig.bus.log.map((e) => `${e.kind} ${hex(e.bytes)}`), [
    "write a0 01",          // ENABLE = PON: configure with the ADC stopped
    "write a1 21",          // CONTROL: AGAIN = 10 (high), ATIME = 001 (200 ms)
    "write a8 ff ff 00 00", // NPAILT = 0xFFFF, NPAIHT = 0: NPINTR after every cycle
    "write e7",             // clear ALS and no-persist interrupts
    "write a0 03",          // ENABLE = PON | AEN
  ]);
  assert.ok(rig.bus.log.every((e) => e.ack));
});

test("constructor writes: ID read first, then thresholds and persistence when interrupts are asked for", () => {
  const clock = new VirtualClock();
  const bus = new I2CBus();
  bus.attach(0x29, new Tsl2591Model({ clock, scene: () => ({ lux: 1, irFraction: 0 }) }));
  bus.logging = true;
  new TSL2591({ sensor: { io: smbusClass(bus), data: 21, clock: 22 }, gain: "low", integration: 600, thresholds: { low: 0x0102, high: 0x0304 }, persistence: 10 });
  assert.deepEqual(bus.log.map((e) => `${e.kind} ${hex(e.bytes)}`), [
    "write b2",             // COMMAND: normal transaction, register 0x12 (ID)
    "read 50",              // ID = 0x50
    "write a0 01",          // ENABLE = PON
    "write a1 05",          // CONTROL: low gain, ATIME = 101 (600 ms)
    "write a4 02 01 04 03", // AILT = 0x0102, AIHT = 0x0304, LSB first, auto-increment
    "write ac 05",          // PERSIST: APERS = 0101 (10 cycles)
    "write a8 ff ff 00 00",
    "write e7",
    "write a0 13",          // ENABLE = AIEN | AEN | PON
  ]);
});

test("a range change stops the ADC, writes CONTROL, drops the stale flag and restarts", () => {
  const rig = makeRig({}, { lux: 250, irFraction: 0.2 });
  rig.next();
  rig.light.lux = 100_000;
  rig.bus.logging = true;
  rig.clock.advance(100);
  assert.equal(rig.driver.sample(), undefined, "a saturated reading at a sensitive range is not reported");
  const writes = rig.bus.log.filter((e) => e.kind === "write").map((e) => hex(e.bytes));
  assert.deepEqual(writes, ["b3", "a0 01", "a1 00", "ea", "a0 03"]);
});

test("convergence: darkness → full sun → darkness and every pair of levels within 3 cycles", () => {
  const levels = [0, 0.01, 1, 250, 10_000, 80_000, 120_000];
  let worst = 0;
  for (const from of levels) {
    for (const to of levels) {
      if (from === to) continue;
      const rig = makeRig({}, { lux: from, irFraction: 0.2 });
      rig.next(5_000, 1);
      const { cycles, sample } = cyclesToReport(rig, to);
      worst = Math.max(worst, cycles);
      assert.ok(cycles <= 3, `${from} → ${to} lux took ${cycles} cycles`);
      if (to >= 120_000) assert.equal(sample.saturated, true);
      else assert.equal(sample.saturated, false);
    }
  }
  assert.ok(worst >= 2, "a jump across the range needs a re-measure");
});

// Count resolution: lux ∝ (ch0 − ch1)² / ch0, each count ±0.5, so the relative error is at most
// 2/(ch0 − ch1) + 0.5/ch0. Tolerance = max(2 %, that bound); at 0.01 lux with the 0.2 IR share
// the chip gives 227/45 counts at max gain, 600 ms, so the bound is 1.3 % and 2 % applies
// everywhere from 0.01 lux up. Below 0.01 lux only the resolution bound holds (13 % at 0.001 lux).
function tolerance(full: number, ir: number): number {
  return Math.max(0.02, 2 / (full - ir) + 0.5 / full);
}

test("accuracy: auto-range within 2 % from 0.01 to 80,000 lux (IR shares 0, 0.2, 0.5); honest below", () => {
  const decades = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 4e4, 6e4, 8e4];
  for (const irFraction of [0, 0.2, 0.5]) {
    for (const lux of decades) {
      if (irFraction === 0.5 && lux > 3e4) continue; // 50 % IR saturates CH0 above ~37 klux
      const rig = makeRig({}, { lux, irFraction });
      const { sample } = rig.next(5_000, 10);
      assert.ok(sample && sample.illuminance !== null, `no reading at ${lux} lux`);
      const error = Math.abs(sample.illuminance - lux) / lux;
      const allowed = tolerance(sample.full, sample.ir);
      if (lux >= 0.01) assert.ok(allowed === 0.02 || irFraction !== 0.2, `resolution limits ${lux} lux to ${allowed}`);
      assert.ok(error <= allowed, `${lux} lux (IR ${irFraction}): read ${sample.illuminance} (${sample.gain}, ${sample.integration} ms, ${sample.full}/${sample.ir}), error ${(error * 100).toFixed(2)} % > ${(allowed * 100).toFixed(2)} %`);
    }
  }
});

test("above the chip's range: 120,000 lux is saturated with no number, and a lower bound", () => {
  const rig = makeRig({}, { lux: 120_000, irFraction: 0.2 });
  const { sample } = rig.next();
  assert.ok(sample);
  assert.equal(sample.illuminance, null);
  assert.equal(sample.saturated, true);
  assert.deepEqual([sample.gain, sample.integration, sample.full], ["low", 100, 36863]);
  assert.ok(sample.lowerBound! > 80_000 && sample.lowerBound! < 120_000, `${sample.lowerBound}`);
});

test("total darkness reads 0 lux at the most sensitive range (a measurement, not a fault)", () => {
  const rig = makeRig({}, { lux: 0, irFraction: 0.2 });
  const { sample } = rig.next();
  assert.ok(sample);
  assert.deepEqual([sample.illuminance, sample.saturated, sample.gain, sample.integration], [0, false, "max", 600]);
});

test("with injected timers auto-range tracks between samples: a slow caller gets an in-range reading at once", () => {
  const slow = (track: boolean): (number | null | undefined)[] => {
    const rig = makeRig({}, { lux: 0.05, irFraction: 0.2 }, undefined, track);
    rig.clock.advance(5_000);
    rig.driver.sample();
    rig.light.lux = 50_000; // darkness → daylight between two samples 5 s apart
    rig.clock.advance(5_000);
    const first = rig.driver.sample()?.illuminance;
    rig.clock.advance(5_000);
    return [first, rig.driver.sample()?.illuminance];
  };
  const [without, later] = slow(false);
  assert.equal(without, undefined, "without timers the range change costs one sample() call");
  assert.ok(later !== undefined && later !== null && Math.abs(later - 50_000) / 50_000 < 0.02);
  const [tracked] = slow(true);
  assert.ok(tracked !== undefined && tracked !== null && Math.abs(tracked - 50_000) / 50_000 < 0.02, `${tracked}`);
});
