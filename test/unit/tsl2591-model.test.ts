// The chip model at register level, through the simulated SMBus (datasheet v2-04 register set),
// and its light: counts against the datasheet's own responsivity table, per-channel gains, dark
// counts, shot noise and part-to-part spread.
import { test } from "node:test";
import assert from "node:assert/strict";
import { VirtualClock } from "../../host-sim/clock.js";
import { I2CBus } from "../../host-sim/io/i2c.js";
import { smbusClass } from "../../host-sim/io/i2c-smbus.js";
import { Tsl2591Model } from "../../host-sim/chips/tsl2591.js";
import { irLedCountsPerMicrowatt, sourceResponse } from "../../host-sim/chips/tsl2591-adc.js";
import { irradiance, lux as luxOf, spectrum, type Light, type SourceName } from "../../host-sim/chips/light-spectra.js";

/** Lux that puts `c0` counts on CH0 for `source` at gain `g` and `ms` (the model's own response). */
function luxFor(c0: number, g: number, ms: number, source: SourceName = "led"): number {
  return c0 / (sourceResponse(source).ch0 * g * ms);
}

function chip(
  lux = 250,
  source: SourceName = "led",
  options: { noise?: number; shotNoise?: boolean; spread?: number; seed?: number } = {},
) {
  const clock = new VirtualClock(0);
  const bus = new I2CBus();
  const light: Light = { lux, source };
  const model = new Tsl2591Model({ clock, scene: () => light, ...options });
  bus.attach(0x29, model);
  const SMBus = smbusClass(bus);
  const io = new SMBus({ data: 21, clock: 22, hz: 400_000, address: 0x29 });
  return { clock, bus, model, io, light };
}

test("power-on state: ID 0x50, PID 0, asleep, 1x gain 100 ms, undefined registers read 0", () => {
  const { io } = chip();
  assert.equal(io.readUint8(0xa0 | 0x12), 0x50);
  assert.equal(io.readUint8(0xa0 | 0x11), 0x00);
  assert.equal(io.readUint8(0xa0 | 0x00), 0x00);
  assert.equal(io.readUint8(0xa0 | 0x01), 0x00);
  assert.equal(io.readUint8(0xa0 | 0x13), 0x00);
  for (const reg of [0x02, 0x03, 0x0d, 0x0e, 0x0f, 0x10]) assert.equal(io.readUint8(0xa0 | reg), 0);
});

test("command byte: CMD bit required, reserved transaction types and special functions NACKed", () => {
  const { io } = chip();
  assert.throws(() => io.readUint8(0x12), { message: "write failed" }); // CMD = 0
  assert.throws(() => io.readUint8(0x80 | 0x12), { message: "write failed" }); // TRANSACTION 00
  assert.throws(() => io.readUint8(0xc0 | 0x12), { message: "write failed" }); // TRANSACTION 10
  assert.throws(() => io.sendByte(0xe5), { message: "write failed" }); // reserved SF
  assert.throws(() => io.writeUint8(0xe7, 1), { message: "write failed" }); // data after SF
  io.sendByte(0xe7);
});

test("ENABLE keeps only its defined bits; reserved ATIME 110/111 is refused and CONTROL unchanged", () => {
  const { io } = chip();
  io.writeUint8(0xa0, 0xff);
  assert.equal(io.readUint8(0xa0), 0xd3);
  io.writeUint8(0xa1, 0x25);
  assert.throws(() => io.writeUint8(0xa1, 0x06), { message: "write failed" });
  assert.throws(() => io.writeUint8(0xa1, 0x17), { message: "write failed" });
  assert.equal(io.readUint8(0xa1), 0x25);
});

test("auto-increment writes thresholds LSB first; PERSIST keeps bits 3:0", () => {
  const { io, model } = chip();
  io.writeBuffer(0xa4, Uint8Array.of(0x34, 0x12, 0x78, 0x56, 0xff, 0xff, 0x00, 0x00, 0xfe));
  assert.deepEqual(
    [0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c].map((r) => model.peek(r)),
    [0x34, 0x12, 0x78, 0x56, 0xff, 0xff, 0, 0, 0x0e],
  );
  assert.equal(io.readUint16(0xa4), 0x1234);
});

test("ADC timing: AVALID only after a full cycle since AEN, data per cycle, AVALID cleared by AEN=0", () => {
  const { io, clock, model, light } = chip(luxFor(10_000, 24.5, 200));
  io.writeUint8(0xa1, 0x11); // medium gain, 200 ms
  io.writeUint8(0xa0, 0x03);
  clock.advance(199);
  assert.equal(io.readUint8(0xb3) & 1, 0);
  clock.advance(1);
  assert.equal(io.readUint8(0xb3) & 1, 1);
  assert.equal(io.readUint16(0xb4), 10_000);
  light.lux *= 2;
  clock.advance(200);
  assert.equal(io.readUint16(0xb4), 20_000);
  assert.equal(model.cycles, 2);
  io.writeUint8(0xa0, 0x01);
  assert.equal(io.readUint8(0xb3) & 1, 0);
});

test("saturation at the per-time maximum: 36863 at 100 ms, 65535 at 200 ms; CH1 saturates on its own", () => {
  const { io, clock, light } = chip(luxFor(80_000, 1, 200));
  io.writeUint8(0xa0, 0x03);
  clock.advance(100);
  assert.equal(io.readUint16(0xb4), 36863);
  io.writeUint8(0xa1, 0x01);
  clock.advance(200);
  const r = sourceResponse("led");
  assert.deepEqual([io.readUint16(0xb4), io.readUint16(0xb6)], [65535, Math.round(light.lux * r.ch1 * 200)]);
  light.lux *= 5;
  light.irFraction = 0.9;
  clock.advance(200);
  assert.deepEqual([io.readUint16(0xb4), io.readUint16(0xb6)], [65535, 65535]);
});

test("reading C0DATAL snapshots both channels: CH1 read alone stays stale (CH0-first latching)", () => {
  const { io, clock, light } = chip(100, "a");
  io.writeUint8(0xa1, 0x10);
  io.writeUint8(0xa0, 0x03);
  clock.advance(100);
  const before = io.readUint16(0xb4);
  const ir = io.readUint16(0xb6);
  light.lux = 300;
  clock.advance(100);
  assert.equal(io.readUint16(0xb6), ir, "CH1 without a CH0 read returns the latched value");
  assert.ok(io.readUint16(0xb4) > before);
  assert.ok(io.readUint16(0xb6) > ir);
});

test("SRESET returns every register to power-on values (and the write is not acknowledged)", () => {
  const { io, model } = chip();
  io.writeUint8(0xa0, 0x93);
  io.writeUint8(0xa1, 0x35);
  io.writeUint8(0xac, 0x05);
  assert.throws(() => io.writeUint8(0xa1, 0x80), { message: "write failed" });
  assert.deepEqual(
    [0x00, 0x01, 0x0c].map((r) => model.peek(r)),
    [0, 0, 0],
  );
});

/** Counts on both channels after one integration at (again, atime). */
function read(lux: number, source: SourceName, again: number, atime: number, options = {}): { c0: number; c1: number } {
  const { io, clock } = chip(lux, source, options);
  io.writeUint8(0xa1, (again << 4) | atime);
  io.writeUint8(0xa0, 0x03);
  clock.advance((atime + 1) * 100);
  return { c0: io.readUint16(0xb4), c1: io.readUint16(0xb6) };
}

test("light: the datasheet's Re table — white LED 264.1/34.9 counts per µW/cm² at high gain, 100 ms; 850 nm 257.5/154.1 within 5 %", () => {
  const led = spectrum("led");
  const luxPerMicrowatt = (luxOf(led) / irradiance(led)) * 0.01; // 1 µW/cm² = 0.01 W/m²
  const { c0, c1 } = read(100 * luxPerMicrowatt, "led", 2, 0);
  assert.ok(Math.abs(c0 - 26410) <= 1 && Math.abs(c1 - 3490) <= 1, `${c0}/${c1}`);
  const ir = irLedCountsPerMicrowatt();
  const ch0 = ir.ch0 * 400 * 100;
  const ch1 = ir.ch1 * 400 * 100;
  assert.ok(
    Math.abs(ch0 / 257.5 - 1) < 0.05 && Math.abs(ch1 / 154.1 - 1) < 0.05,
    `850 nm: ${ch0.toFixed(1)}/${ch1.toFixed(1)}`,
  );
});

test("light: CH1/CH0 follows the spectrum — LED and fluorescent low, daylight higher, incandescent and IR-lit highest", () => {
  const ratio = (s: SourceName) => sourceResponse(s).ch1 / sourceResponse(s).ch0;
  assert.ok(ratio("fluorescent") < 0.2 && ratio("led") < 0.2);
  assert.ok(ratio("d65") > ratio("led") && ratio("d65") < ratio("a"));
  assert.ok(ratio("a") > 0.4 && ratio("ir") > 0.4);
});

test("gains per channel: 24.5/400/9200 on CH0 and 24.5/400/9900 on CH1 relative to low gain", () => {
  const low = read(luxFor(30_000, 1, 100), "led", 0, 0);
  const max = read(luxFor(30_000, 9200, 100), "led", 3, 0);
  assert.ok(Math.abs(max.c0 - 30_000) <= 3, `${max.c0}`);
  assert.ok(Math.abs(max.c1 / low.c1 - 9900 / 9200) < 0.002, `${max.c1} vs ${low.c1}`);
  const med = read(luxFor(30_000, 24.5, 100), "led", 1, 0);
  assert.ok(Math.abs(med.c0 - 30_000) <= 1);
});

test("dark counts: no light reads a few counts at max gain, at most the datasheet's 25 per channel, and 0 at low gain", () => {
  const dark = read(0, "led", 3, 5);
  assert.ok(dark.c0 > 0 && dark.c0 <= 25 && dark.c1 > 0 && dark.c1 <= 25, `${dark.c0}/${dark.c1}`);
  assert.deepEqual(read(0, "led", 0, 5), { c0: 0, c1: 0 });
  for (let seed = 1; seed <= 20; seed++) {
    const part = read(0, "led", 3, 5, { spread: 0.3, seed });
    assert.ok(part.c0 <= 25 && part.c1 <= 25);
  }
});

test("shot noise: seeded, and its spread is √(counts × gain / 9200) counts", () => {
  const samples = (seed: number) => {
    const { io, clock } = chip(luxFor(10_000, 9200, 100), "led", { shotNoise: true, seed });
    io.writeUint8(0xa1, 0x30);
    io.writeUint8(0xa0, 0x03);
    const out: number[] = [];
    for (let i = 0; i < 400; i++) {
      clock.advance(100);
      out.push(io.readUint16(0xb4));
    }
    return out;
  };
  const a = samples(3);
  assert.deepEqual(samples(3), a);
  const mean = a.reduce((x, y) => x + y, 0) / a.length;
  const sd = Math.sqrt(a.reduce((x, y) => x + (y - mean) ** 2, 0) / (a.length - 1));
  assert.ok(Math.abs(mean - 10_000) < 15, `mean ${mean}`);
  assert.ok(sd > 100 * 0.85 && sd < 100 * 1.15, `sd ${sd} (expected 100 at max gain)`);
});

test("part-to-part spread: parts differ by seed, a seed gives the same part, spread 0 is the typical part", () => {
  const c0 = (seed: number, spread: number) => read(luxFor(20_000, 1, 100), "led", 0, 0, { spread, seed }).c0;
  assert.equal(c0(1, 0), 20_000);
  assert.equal(c0(5, 0.1), c0(5, 0.1));
  const parts = new Set([1, 2, 3, 4, 5].map((seed) => c0(seed, 0.1)));
  assert.ok(parts.size >= 4, [...parts].join(","));
});
