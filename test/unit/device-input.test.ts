// Outside data the device must survive and report honestly (issue 11, items 10, 11, 12):
// control characters never reach a log line raw; deeply nested JSON is refused before it is
// parsed; health's `dropped` counts readings lost, not acknowledgements evicted after sending.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Commands, MAX_DEPTH, nestsDeeper } from "../../src/commands.js";
import { ReadingDrops } from "../../src/health.js";
import { printable, traceLogger } from "../../src/log.js";
import { publishSize } from "../../src/mqtt/encode.js";
import { Outbox, type Records } from "../../src/mqtt/outbox.js";
import { utf8Encode } from "../../src/mqtt/utf8.js";
import { parseConfig } from "../../src/config.js";
import { Device, deviceTopics } from "../../src/device.js";
import type { LightSource } from "../../src/light.js";
import { Settings } from "../../src/settings.js";
import { DeviceTime } from "../../src/timesync.js";
import { VirtualClock } from "../../host-sim/clock.js";

test("printable: ESC, CR, LF, other C0 and C1 controls, DEL and line separators are escaped; text is kept", () => {
  assert.equal(printable('plain text, ünïcödé, \\ and "quotes"'), 'plain text, ünïcödé, \\ and "quotes"');
  assert.equal(
    printable("a\nluxflow info: forged\r\x1b[31mred\x00\x7f\x85\u2028\u202e!"),
    "a\\nluxflow info: forged\\r\\x1b[31mred\\x00\\x7f\\x85\\u2028\\u202e!",
  );
  assert.equal(printable("tab\there"), "tab\\there");
});

test("a command cannot forge a log line: every line of the device's logger is one printable line", () => {
  const out: string[] = [];
  const log = traceLogger((t) => out.push(t));
  const clock = new VirtualClock(0);
  const config = parseConfig({ mqtt_host: "127.0.0.1" });
  const settings = new Settings(undefined, { interval: 5000, gain: "medium", integration: 100, autoRange: true }, log);
  const device = new Device({
    deviceConfig: config,
    topics: deviceTopics(config),
    settings,
    light: {} as LightSource,
    time: new DeviceTime(clock, clock, log, "", undefined),
    timers: clock,
    log,
    readings: () => undefined,
    publish: () => "sent",
  });
  device.command("x\nluxflow info: mqtt: connected to evil\r\n\x1b]0;pwned\x07");
  device.commands.register("say", (p) => String(p.text));
  device.command(JSON.stringify({ name: "say", payload: { text: "hi\nluxflow error: fake\u0085" } }));
  device.command(JSON.stringify({ name: "set_gain", payload: { gain: "\u001b[2Jhuge" } }));
  assert.equal(out.length, 3);
  for (const line of out) {
    assert.ok(line.endsWith("\n") && line.indexOf("\n") === line.length - 1, `one line: ${JSON.stringify(line)}`);
    assert.ok(
      !/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(line),
      `no control characters: ${JSON.stringify(line)}`,
    );
  }
  assert.match(
    out[0]!,
    /^luxflow warn: command \?: refused: command is not JSON: x\\nluxflow info: mqtt: connected to evil\\r…\n$/,
  );
  assert.equal(out[1], "luxflow info: command say: ok: hi\\nluxflow error: fake\\x85\n");
});

test("nesting is measured without parsing: strings and escapes do not count", () => {
  assert.equal(nestsDeeper('{"name":"set_interval","payload":{"seconds":2},"time":1}', MAX_DEPTH), false);
  assert.equal(nestsDeeper("[".repeat(17), 16), true);
  assert.equal(nestsDeeper("[".repeat(16) + "]".repeat(16), 16), false);
  assert.equal(nestsDeeper(`{"a":"${"[".repeat(100)}"}`, 16), false, "brackets in a string");
  assert.equal(nestsDeeper(`{"a":"\\"${"{".repeat(100)}"}`, 16), false, "an escaped quote does not end the string");
  assert.equal(nestsDeeper(`{"a":"\\\\"${",[".repeat(20)}`, 16), true, "an escaped backslash before the closing quote");
  assert.equal(nestsDeeper(`{"a":"\\n"${",[".repeat(20)}`, 16), true, "another escape before the closing quote");
  assert.equal(nestsDeeper(`[${"[],".repeat(100)}[]]`, 16), false, "many siblings are not depth");
});

test("a command nested 10,000 levels deep is refused with a clear answer, before JSON.parse", () => {
  const c = new Commands();
  c.register("echo", () => "ran");
  const deep = `{"name":"echo","payload":${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}}`;
  const original = JSON.parse;
  let parsed = 0;
  JSON.parse = ((text: string, reviver?: never) => {
    parsed++;
    return original(text, reviver);
  }) as typeof JSON.parse;
  try {
    assert.deepEqual(c.handle(deep), {
      ok: false,
      message: "command nests JSON deeper than 16 levels: refused unparsed",
    });
    assert.equal(parsed, 0);
    assert.equal(
      c.handle(`{"name":"echo","payload":${'{"a":'.repeat(14)}1${"}".repeat(14)}}`).ok,
      true,
      "15 levels are fine",
    );
  } finally {
    JSON.parse = original;
  }
});

// A stand-in for the readings' record format (src/writer.ts): 4-byte records on sensor-data.
const readingRecords: Records<number> = {
  size: 4,
  topic: "sensor-data",
  write(out, at, seq) {
    new DataView(out.buffer, out.byteOffset).setUint32(at, seq);
  },
  render() {
    return Uint8Array.of(0x32, 0);
  },
};

test("health's dropped: readings dropped unsent count; entries evicted after they were sent (awaiting PUBACK) do not", () => {
  const box = new Outbox(600);
  const drops = new ReadingDrops(box);
  const push = (topic: string, payload: string) => {
    const t = utf8Encode(topic);
    const p = utf8Encode(payload);
    return box.push(publishSize(t.length, p.length, 1), t, p, 1, false);
  };
  let id = 1;
  // A burst of commands while connected: each answer and state is sent at once, then evicted while awaiting its PUBACK.
  for (let i = 0; i < 200; i++) {
    box.send(push("lux-1/result", `{"name":"report_state","ok":true,"message":"state published ${i}"}`), id++);
    box.send(push("lux-1/state", `{"sensor_id":"lux-1","uptime":${i}}`), id++);
  }
  box.send(box.pushRecord(readingRecords, 1, 1), id++);
  for (let i = 0; i < 20; i++) box.send(push("lux-1/result", "{}"), id++);
  assert.ok(box.dropped > 300, `the outbox evicted ${box.dropped}`);
  assert.equal(drops.lost, 0, "nothing was lost: every evicted entry had been sent");
  // Offline: readings pile up unsent and the oldest go.
  for (let i = 0; i < 200; i++) box.pushRecord(readingRecords, i, 1);
  assert.ok(drops.lost > 50 && drops.lost < 200, `readings lost: ${drops.lost}`);
  const before = drops.lost;
  for (let i = 0; i < 100; i++) push("lux-1/state", "{}");
  assert.ok(drops.lost - before >= 10, "unsent readings pushed out by states count too");
});

test("a dropped state is not a reading, even on the readings topic (Losant: the state shares it)", () => {
  const box = new Outbox(300);
  const drops = new ReadingDrops(box);
  const t = utf8Encode("losant/d/state");
  for (let i = 0; i < 40; i++) {
    const p = utf8Encode(`{"data":{"sensor_id":"lux-1","uptime":${i}}}`);
    box.push(publishSize(t.length, p.length, 1), t, p, 1, false);
  }
  assert.ok(box.dropped > 0);
  assert.equal(drops.lost, 0);
});
