// The chip model at register level, through the simulated SMBus (datasheet v2-04 register set).
import { test } from "node:test";
import assert from "node:assert/strict";
import { VirtualClock } from "../../host-sim/clock.js";
import { I2CBus } from "../../host-sim/io/i2c.js";
import { smbusClass } from "../../host-sim/io/smbus.js";
import { Tsl2591Model } from "../../host-sim/chips/tsl2591.js";

function chip(lux = 250, irFraction = 0.2) {
  const clock = new VirtualClock(0);
  const bus = new I2CBus();
  const light = { lux, irFraction };
  const model = new Tsl2591Model({ clock, scene: () => light });
  bus.attach(0x29, model);
  const SMBus = smbusClass(bus);
  const io = new SMBus({ data: 21, clock: 22, hz: 400_000, address: 0x29 });
  return { clock, bus, model, io, light };
}

test("power-on state: ID 0x50, PID 0, asleep, 1x gain 100 ms, undefined registers read 0", () => {
  const { io } = chip();
  assert.equal(io.readUint8(0xA0 | 0x12), 0x50);
  assert.equal(io.readUint8(0xA0 | 0x11), 0x00);
  assert.equal(io.readUint8(0xA0 | 0x00), 0x00);
  assert.equal(io.readUint8(0xA0 | 0x01), 0x00);
  assert.equal(io.readUint8(0xA0 | 0x13), 0x00);
  for (const reg of [0x02, 0x03, 0x0D, 0x0E, 0x0F, 0x10]) assert.equal(io.readUint8(0xA0 | reg), 0);
});

test("command byte: CMD bit required, reserved transaction types and special functions NACKed", () => {
  const { io } = chip();
  assert.throws(() => io.readUint8(0x12), { message: "write failed" });       // CMD = 0
  assert.throws(() => io.readUint8(0x80 | 0x12), { message: "write failed" }); // TRANSACTION 00
  assert.throws(() => io.readUint8(0xC0 | 0x12), { message: "write failed" }); // TRANSACTION 10
  assert.throws(() => io.sendByte(0xE5), { message: "write failed" });        // reserved SF
  assert.throws(() => io.writeUint8(0xE7, 1), { message: "write failed" });   // data after SF
  io.sendByte(0xE7);
});

test("ENABLE keeps only its defined bits; reserved ATIME 110/111 is refused and CONTROL unchanged", () => {
  const { io } = chip();
  io.writeUint8(0xA0, 0xFF);
  assert.equal(io.readUint8(0xA0), 0xD3);
  io.writeUint8(0xA1, 0x25);
  assert.throws(() => io.writeUint8(0xA1, 0x06), { message: "write failed" });
  assert.throws(() => io.writeUint8(0xA1, 0x17), { message: "write failed" });
  assert.equal(io.readUint8(0xA1), 0x25);
});

test("auto-increment writes thresholds LSB first; PERSIST keeps bits 3:0", () => {
  const { io, model } = chip();
  io.writeBuffer(0xA4, Uint8Array.of(0x34, 0x12, 0x78, 0x56, 0xFF, 0xFF, 0x00, 0x00, 0xFE));
  assert.deepEqual([0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C].map((r) => model.peek(r)), [0x34, 0x12, 0x78, 0x56, 0xFF, 0xFF, 0, 0, 0x0E]);
  assert.equal(io.readUint16(0xA4), 0x1234);
});

test("ADC timing: AVALID only after a full cycle since AEN, data per cycle, AVALID cleared by AEN=0", () => {
  const { io, clock, model, light } = chip(250, 0.2);
  io.writeUint8(0xA1, 0x11); // medium gain, 200 ms
  io.writeUint8(0xA0, 0x03);
  clock.advance(199);
  assert.equal(io.readUint8(0xB3) & 1, 0);
  clock.advance(1);
  assert.equal(io.readUint8(0xB3) & 1, 1);
  const first = new Uint8Array(io.readBuffer(0xB4, 4));
  const c0 = first[0]! | (first[1]! << 8);
  assert.equal(c0, Math.round(250 * 200 * 25 / (408 * 0.64)));
  light.lux = 500;
  clock.advance(200);
  const second = new Uint8Array(io.readBuffer(0xB4, 4));
  assert.equal(second[0]! | (second[1]! << 8), Math.round(500 * 200 * 25 / (408 * 0.64)));
  assert.equal(model.cycles, 2);
  io.writeUint8(0xA0, 0x01);
  assert.equal(io.readUint8(0xB3) & 1, 0);
});

test("saturation at the per-time maximum: 36863 at 100 ms, 65535 at 200 ms", () => {
  const { io, clock, light } = chip(200_000, 0.2);
  io.writeUint8(0xA0, 0x03);
  clock.advance(100);
  assert.equal(io.readUint16(0xB4), 36863);
  io.writeUint8(0xA1, 0x01);
  clock.advance(200);
  assert.deepEqual([io.readUint16(0xB4), io.readUint16(0xB6)], [65535, Math.round(0.2 * 200_000 * 200 / (408 * 0.64))]);
  light.irFraction = 0.9;
  clock.advance(200);
  assert.deepEqual([io.readUint16(0xB4), io.readUint16(0xB6)], [65535, 65535]);
});

test("reading C0DATAL snapshots both channels: CH1 read alone stays stale (CH0-first latching)", () => {
  const { io, clock, light } = chip(100, 0.5);
  io.writeUint8(0xA1, 0x10);
  io.writeUint8(0xA0, 0x03);
  clock.advance(100);
  const before = io.readUint16(0xB4);
  const ir = io.readUint16(0xB6);
  light.lux = 300;
  clock.advance(100);
  assert.equal(io.readUint16(0xB6), ir, "CH1 without a CH0 read returns the latched value");
  assert.ok(io.readUint16(0xB4) > before);
  assert.ok(io.readUint16(0xB6) > ir);
});

test("SRESET returns every register to power-on values (and the write is not acknowledged)", () => {
  const { io, model } = chip();
  io.writeUint8(0xA0, 0x93);
  io.writeUint8(0xA1, 0x35);
  io.writeUint8(0xAC, 0x05);
  assert.throws(() => io.writeUint8(0xA1, 0x80), { message: "write failed" });
  assert.deepEqual([0x00, 0x01, 0x0C].map((r) => model.peek(r)), [0, 0, 0]);
});
