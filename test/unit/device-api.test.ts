import assert from "node:assert/strict";
import { test } from "node:test";
import { Commands } from "../../src/commands.js";
import { parseConfig } from "../../src/config.js";
import { discoveryMessages } from "../../src/discovery.js";
import { HealthSource } from "../../src/health.js";
import { decode, encode, Journal } from "../../src/journal.js";
import { jsonPayload, losantPayload, type Reading } from "../../src/payload.js";
import type { Logger } from "../../src/platform.js";
import { Settings } from "../../src/settings.js";
import { DeviceTime } from "../../src/timesync.js";
import { SimFlash } from "../../host-sim/parts/flash.js";
import { VirtualClock } from "../../host-sim/clock.js";

const quiet: Logger = { info() {}, warn() {}, error() {} };
const reading: Reading = {
  sensorId: "lux-1",
  timestamp: 1795355431,
  value: 284.13125,
  seq: 17,
  timeSource: "sntp",
  boot: 3,
  raw: { full: 2394, ir: 479, gain: "medium", integration: 100, saturated: false, calibration: 408.1 },
};

test("json and losant payloads describe the reading fully", () => {
  assert.equal(
    jsonPayload(reading),
    '{"sensor_id":"lux-1","ts":1795355431,"val":284.1313,"seq":17,"boot":3,"full":2394,"ir":479,"gain":"medium","integration_ms":100,"saturated":false,"calibration":408.1,"time_source":"sntp"}',
  );
  assert.equal(
    losantPayload(reading),
    '{"data":{"lux":284.1313,"seq":17,"full":2394,"ir":479,"gain":"medium","integration_ms":100,"saturated":false,"calibration":408.1},"time":1795355431000}',
  );
  assert.equal(
    losantPayload({ ...reading, timeSource: "uptime", value: null, raw: undefined }),
    '{"data":{"lux":null,"seq":17}}',
    "no time without network time: Losant stamps it",
  );
});

test("commands: exactly one acknowledgement each, time echoed, errors say why", () => {
  const c = new Commands();
  c.register("echo", (p) => `got ${JSON.stringify(p)}`);
  assert.deepEqual(c.handle('{"name":"echo","payload":{"a":1},"time":5}'), {
    name: "echo",
    time: 5,
    ok: true,
    message: 'got {"a":1}',
  });
  assert.deepEqual(c.handle('{"name":"nope","time":"2026-01-01T00:00:00Z"}'), {
    name: "nope",
    time: "2026-01-01T00:00:00Z",
    ok: false,
    message: 'unknown command "nope" (known: echo)',
  });
  assert.match(c.handle("{oops").message, /^command is not JSON/);
  assert.match(c.handle("[1]").message, /must be a JSON object/);
  assert.match(c.handle('{"name":"echo","payload":3}').message, /payload must be a JSON object/);
  assert.throws(() => c.register("echo", () => ""), /already registered/);
  assert.deepEqual(c.stats, { received: 5, failed: 4, ignored: 0 });
});

test("settings survive a reboot in preference, count versions and boots, and write only on change", () => {
  const flash = new SimFlash();
  const defaults = { interval: 5000, gain: "medium", integration: 100, autoRange: true } as const;
  const first = new Settings(flash, defaults, quiet);
  assert.equal(first.boot, 1);
  assert.equal(first.version, 0);
  assert.equal(first.update({ interval: 2000, gain: "high" }), true);
  const writes = flash.writes;
  assert.equal(first.update({ interval: 2000 }), false);
  assert.equal(flash.writes, writes, "no flash write when nothing changed");
  const second = new Settings(flash, defaults, quiet);
  assert.deepEqual({ ...second.values }, { interval: 2000, gain: "high", integration: 100, autoRange: true });
  assert.equal(second.version, 1);
  assert.equal(second.boot, 2);
  second.reset();
  assert.deepEqual(new Settings(flash, defaults, quiet).values, defaults);
  assert.equal(new Settings(undefined, defaults, quiet).persistent, false);
});

test("journal: a bounded ring in preference, records within 63 bytes, replayed in order", () => {
  const flash = new SimFlash();
  const j = new Journal(flash, 3);
  for (let seq = 1; seq <= 5; seq++) j.append({ ...reading, seq });
  assert.equal(j.length, 3);
  assert.equal(j.dropped, 2);
  const again = new Journal(flash, 3);
  assert.deepEqual(
    again.load("lux-1").map((r) => r.seq),
    [3, 4, 5],
  );
  assert.ok(encode(reading).length <= 63, encode(reading));
  assert.deepEqual(decode(encode(reading), "lux-1"), { ...reading, value: 284.13125 });
  const irRich = { ...reading, raw: { ...reading.raw!, irRich: true } };
  assert.ok(encode(irRich).length <= 63, encode(irRich));
  assert.deepEqual(
    decode(encode(irRich), "lux-1"),
    { ...irRich, value: 284.13125 },
    "the IR-rich flag survives a reboot",
  );
  assert.equal(
    decode("17,1795355431,284.13125,s,3,2394,479,1,100,1,408.1", "lux-1")?.raw?.saturated,
    true,
    "a record written before the flag reads as before",
  );
  again.clear();
  assert.equal(new Journal(flash, 3).length, 0);
  assert.deepEqual(flash.keys("luxq").sort(), ["h", "n"]);
});

test("time: uptime until SNTP answers, then network time; a failure is retried", () => {
  const clock = new VirtualClock(0);
  let answer: number | undefined;
  const asked: string[] = [];
  const time = new DeviceTime(clock, clock, quiet, "pool.ntp.org", (host, cb) => {
    asked.push(host);
    cb(answer);
  });
  clock.advance(3000);
  assert.deepEqual(time.now(), { ms: 3000, source: "uptime" });
  time.networkUp();
  assert.equal(time.synced, false);
  answer = 1_800_000_000;
  clock.advance(60_000);
  assert.equal(asked.length, 2, "retried after a minute");
  assert.deepEqual(time.now(), { ms: 1_800_000_000_000, source: "sntp" });
  clock.advance(1000);
  assert.equal(time.now().ms, 1_800_000_001_000);
  assert.equal(time.uptime(), 64_000);
  time.stop();
});

test("health: measured values, null where the board cannot measure", () => {
  const h = new HealthSource({
    uptime: () => 12_345,
    queued: () => 2,
    persisted: () => 1,
    dropped: () => 3,
    i2cErrors: () => 4,
    reconnects: () => 5,
    readings: () => 6,
    skipped: () => 0,
    rssi: () => -61,
  }).sample();
  assert.deepEqual(h, {
    uptime: 12,
    heap: null,
    rssi: -61,
    queue: 2,
    persisted: 1,
    dropped: 3,
    i2c_errors: 4,
    reconnects: 5,
    readings: 6,
    skipped: 0,
  });
});

test("Home Assistant discovery: retained configs for lux and health, template per payload format", () => {
  const messages = discoveryMessages({
    prefix: "homeassistant",
    sensorId: "lux 1",
    readings: "sensor-data",
    health: "lux 1/health",
    status: "lux 1/status",
    format: "thingflow",
  });
  const lux = JSON.parse(messages[0]!.payload) as Record<string, unknown>;
  assert.equal(messages[0]!.topic, "homeassistant/sensor/lux_1/lux/config");
  assert.equal(lux.value_template, "{{ value_json[2] }}");
  assert.equal(lux.unit_of_measurement, "lx");
  assert.equal(lux.availability_topic, "lux 1/status");
  assert.ok(messages.some((m) => m.topic === "homeassistant/sensor/lux_1/rssi/config"));
});

test("profiles: defaults and required keys; explicit keys win", () => {
  const losant = parseConfig({ profile: "losant", mqtt_client_id: "abc", mqtt_user: "k", mqtt_password: "s" });
  assert.equal(losant.mqttHost, "broker.losant.com");
  assert.equal(losant.mqttPort, 8883);
  assert.equal(losant.mqttTls, true);
  assert.equal(losant.payloadFormat, "losant");
  assert.equal(
    parseConfig({ profile: "tls", mqtt_host: "h", mqtt_user: "u", mqtt_password: "p", mqtt_port: "9883" }).mqttPort,
    9883,
  );
  assert.throws(
    () => parseConfig({ profile: "tls", mqtt_host: "h", mqtt_user: "u" }),
    /mqtt_password is required by profile=tls/,
  );
  assert.throws(
    () => parseConfig({ profile: "cloud", mqtt_host: "h" }),
    /profile must be one of local, tls, losant \(got "cloud"\)/,
  );
  assert.throws(() => parseConfig({ mqtt_host: "h", integration: "250" }), /integration must be 100, 200/);
});
