// Readings queued as records (payload.ts, writer.ts ReadingWriter): a record renders exactly
// the payload the reading formats to, in every format; the default queue (queue_bytes on
// ESP8266, the manifest sets no other) holds at least 150 readings in every format; a DUP
// resend is byte-identical to the first send but for the DUP bit; a QoS 0 reading sent at once
// skips the record; the journal's replay goes through the same records.
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { describe, it } from "node:test";
import { VirtualClock } from "../../host-sim/clock.js";
import { parseConfig } from "../../src/config.js";
import { MqttConnection } from "../../src/mqtt/connection.js";
import type { PublishPacket } from "../../src/mqtt/packets.js";
import {
  formatPayload,
  RECORD_BYTES,
  readRecord,
  writeRecord,
  type PayloadFormat,
  type Reading,
} from "../../src/payload.js";
import { ReadingWriter } from "../../src/writer.js";
import { fakeNetwork, memoryLog } from "../helpers/mqtt-fake-socket.js";

const FORMATS: PayloadFormat[] = ["thingflow", "json", "losant"];
const str = (b: Uint8Array): string => new TextDecoder().decode(b);

function reading(seq: number, extra: Partial<Reading> = {}): Reading {
  return {
    sensorId: "lux-1",
    timestamp: 1795355431 + seq,
    value: 284.13125 + seq / 7,
    seq,
    timeSource: "sntp",
    boot: 3,
    raw: { full: 2394 + (seq % 1000), ir: 479, gain: "medium", integration: 100, saturated: false, calibration: 408.1 },
    ...extra,
  };
}

const cases: [string, Reading][] = [
  ["typical", reading(17)],
  [
    "saturated (null)",
    reading(18, {
      value: null,
      raw: { full: 37888, ir: 37888, gain: "max", integration: 600, saturated: true, calibration: 408.1 },
    }),
  ],
  ["uptime, no raw", reading(19, { timeSource: "uptime", timestamp: 42, raw: undefined })],
  ["a bare reading", { sensorId: "lux-1", timestamp: 5, value: 0.0001, seq: 1 }],
  [
    "dark",
    reading(20, { value: 0, raw: { full: 0, ir: 0, gain: "max", integration: 600, saturated: false, calibration: 1 } }),
  ],
  ["from an earlier boot (journal)", reading(4_000_000_000, { boot: 65534, timestamp: 1795355431, value: 3.5 })],
  ["very bright", reading(21, { value: 120000.98765 })],
  [
    "IR-rich light (flagged)",
    reading(22, {
      raw: { full: 900, ir: 700, gain: "medium", integration: 100, saturated: false, calibration: 608, irRich: true },
    }),
  ],
];

describe("reading records", () => {
  it(`render what the reading formats to, in every format (${RECORD_BYTES} bytes each)`, () => {
    for (const [name, r] of cases) {
      const buf = new Uint8Array(RECORD_BYTES + 4);
      strictEqual(writeRecord(buf, 2, r), true, `${name}: held exactly`);
      const back = readRecord(buf, 2, "lux-1", r.boot === 65534 ? 65540 : 3);
      for (const f of FORMATS) strictEqual(formatPayload(f, back), formatPayload(f, r), `${name}, ${f}`);
    }
  });

  it("says when a record cannot hold a reading exactly (it is then clamped, and rendered from the record every time)", () => {
    const buf = new Uint8Array(RECORD_BYTES);
    strictEqual(
      writeRecord(
        buf,
        0,
        reading(1, { raw: { full: 70000, ir: 1, gain: "low", integration: 100, saturated: false, calibration: 1 } }),
      ),
      false,
    );
    strictEqual(
      writeRecord(
        buf,
        0,
        reading(1, { raw: { full: 1, ir: 1, gain: "low", integration: 100, saturated: false, calibration: 0.12345 } }),
      ),
      false,
    );
    strictEqual(writeRecord(buf, 0, reading(1, { value: 5e6 })), false);
    strictEqual(writeRecord(buf, 0, reading(1, { timeSource: undefined })), false);
  });

  it("the default queue holds at least 150 readings in every format, and sends them as their payloads", () => {
    const config = parseConfig({ mqtt_host: "127.0.0.1" });
    const old: Record<string, number> = {};
    for (const format of FORMATS) {
      const clock = new VirtualClock(0);
      const net = fakeNetwork();
      const conn = new MqttConnection({
        socket: net.factory,
        resolve: (_h, cb) => cb("127.0.0.1"),
        timers: clock,
        clock,
        log: memoryLog(),
        host: "127.0.0.1",
        port: 1883,
        clientId: "lux-1",
        keepalive: 30,
        outbox: config.queueBytes,
        maxInflight: 1000,
      });
      const writer = new ReadingWriter(conn, memoryLog(), {
        topic: config.mqttTopic,
        qos: 1,
        format,
        sensorId: "lux-1",
        boot: 3,
      });
      for (let seq = 1; seq <= 300; seq++) writer.onNext(reading(seq));
      const held = conn.stats.queued;
      old[format] = Math.floor(
        config.queueBytes / (formatPayload(format, reading(300)).length + config.mqttTopic.length + 7),
      );
      ok(held >= 150, `${format}: ${held} readings held in ${config.queueBytes} bytes`);
      strictEqual(conn.stats.dropped, 300 - held);
      conn.start();
      net.last().open();
      net.last().feed({ type: 2, sessionPresent: false, returnCode: 0 });
      const sent = net
        .last()
        .packets()
        .filter((p): p is PublishPacket => p.type === 3);
      deepStrictEqual(
        sent.map((p) => str(p.payload)),
        Array.from({ length: held }, (_, i) => formatPayload(format, reading(300 - held + 1 + i))),
        format,
      );
    }
    ok(
      Object.values(old).some((n) => n < 150),
      `as encoded packets the same queue held ${JSON.stringify(old)}`,
    );
  });

  it("a DUP resend is byte-identical but for the DUP bit [MQTT-3.3.1-1]", () => {
    const clock = new VirtualClock(0);
    const net = fakeNetwork();
    const conn = new MqttConnection({
      socket: net.factory,
      resolve: (_h, cb) => cb("127.0.0.1"),
      timers: clock,
      clock,
      log: memoryLog(),
      random: () => 0,
      host: "127.0.0.1",
      port: 1883,
      clientId: "lux-1",
      keepalive: 30,
    });
    const writer = new ReadingWriter(conn, memoryLog(), {
      topic: "sensor-data",
      qos: 2,
      format: "json",
      sensorId: "lux-1",
      boot: 3,
    });
    conn.start();
    net.last().open();
    net.last().feed({ type: 2, sessionPresent: false, returnCode: 0 });
    writer.onNext(reading(1));
    writer.onNext(reading(2));
    const first = net
      .last()
      .written.map((w) => w.slice())
      .filter((w) => w[0]! >> 4 === 3);
    net.last().fail();
    clock.advance(1000);
    net.last().open();
    net.last().feed({ type: 2, sessionPresent: true, returnCode: 0 });
    const again = net.last().written.filter((w) => w[0]! >> 4 === 3);
    strictEqual(again.length, 2);
    for (let i = 0; i < 2; i++) {
      strictEqual(again[i]![0], first[i]![0]! | 8);
      deepStrictEqual(again[i]!.subarray(1), first[i]!.subarray(1));
    }
  });

  it("QoS 0 connected with an empty queue: the payload goes at once, no record", () => {
    const clock = new VirtualClock(0);
    const net = fakeNetwork();
    const conn = new MqttConnection({
      socket: net.factory,
      resolve: (_h, cb) => cb("127.0.0.1"),
      timers: clock,
      clock,
      log: memoryLog(),
      host: "127.0.0.1",
      port: 1883,
      clientId: "lux-1",
      keepalive: 30,
    });
    const writer = new ReadingWriter(conn, memoryLog(), {
      topic: "sensor-data",
      qos: 0,
      format: "thingflow",
      sensorId: "lux-1",
      boot: 3,
    });
    conn.start();
    net.last().open();
    net.last().feed({ type: 2, sessionPresent: false, returnCode: 0 });
    writer.onNext(reading(1));
    strictEqual(conn.outbox.records, undefined, "no record was made");
    deepStrictEqual(
      net
        .last()
        .packets()
        .filter((p): p is PublishPacket => p.type === 3)
        .map((p) => str(p.payload)),
      [formatPayload("thingflow", reading(1))],
    );
  });
});
