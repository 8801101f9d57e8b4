import assert from "node:assert/strict";
import { test } from "node:test";
import { parseConfig } from "../../src/config.js";
import { Device, deviceTopics } from "../../src/device.js";
import type { LightSource, SensorSettings } from "../../src/light.js";
import type { Logger } from "../../src/platform.js";
import { Settings } from "../../src/settings.js";
import { DeviceTime } from "../../src/timesync.js";
import { SimFlash } from "../../host-sim/parts/flash.js";
import { SimLed } from "../../host-sim/parts/led.js";
import { VirtualClock } from "../../host-sim/clock.js";

const quiet: Logger = { info() {}, warn() {}, error() {} };

function rig(withLed = true) {
  const clock = new VirtualClock(0);
  const config = parseConfig({ mqtt_host: "127.0.0.1" });
  const settings = new Settings(
    new SimFlash(),
    { interval: 5000, gain: "medium", integration: 100, autoRange: true },
    quiet,
  );
  let sensor: SensorSettings = { gain: "medium", integration: 100, autoRange: true };
  const light = {
    get settings() {
      return sensor;
    },
    configure(c: Partial<SensorSettings>) {
      sensor = { ...sensor, ...c };
    },
  } as unknown as LightSource;
  const led = new SimLed(
    () => clock.now(),
    () => {},
  );
  const sent: { topic: string; text: string; retain: boolean }[] = [];
  let restarted = 0;
  const intervals: number[] = [];
  const device = new Device({
    deviceConfig: config,
    topics: deviceTopics(config),
    settings,
    light,
    time: new DeviceTime(clock, clock, quiet, "", undefined),
    timers: clock,
    log: quiet,
    led: withLed ? led : undefined,
    restart: () => restarted++,
    readings: () => ({
      intervalMs: 0,
      ticks: 0,
      skipped: 0,
      failures: 0,
      cancel() {},
      setPeriod: (ms: number) => void intervals.push(ms),
    }),
    publish: (topic, text, retain) => (sent.push({ topic, text, retain }), "sent"),
  });
  return { clock, device, led, sent, intervals, restarts: () => restarted, settings };
}

const acks = (sent: { topic: string; text: string }[]) =>
  sent.filter((m) => m.topic === "lux-1/result").map((m) => JSON.parse(m.text) as { ok: boolean; message: string });

test("identify blinks the LED for the asked seconds and ends dark", () => {
  const r = rig();
  r.device.command('{"name":"identify","payload":{"seconds":2}}');
  r.clock.advance(3000);
  assert.equal(r.led.changes.filter((c) => c.on).length, 4, "2 Hz for 2 s");
  assert.equal(r.led.on, false);
  assert.equal(acks(r.sent)[0]!.message, "blinking the LED for 2 s");
  const noLed = rig(false);
  noLed.device.command('{"name":"identify"}');
  assert.deepEqual(acks(noLed.sent)[0], { name: "identify", ok: false, message: "this board has no LED to blink" });
});

test("restart is acknowledged first, then the board restarts", () => {
  const r = rig();
  r.device.command('{"name":"restart","time":1}');
  assert.equal(r.restarts(), 0);
  assert.equal(acks(r.sent)[0]!.ok, true);
  r.clock.advance(600);
  assert.equal(r.restarts(), 1);
});

test("set_interval, set_integration, set_auto_range, reset_settings: applied, saved, state retained; applications add their own", () => {
  const r = rig();
  r.device.command('{"name":"set_interval","payload":{"seconds":2}}');
  r.device.command('{"name":"set_integration","payload":{"ms":300}}');
  r.device.command('{"name":"set_integration","payload":{"ms":350}}');
  r.device.command('{"name":"set_auto_range","payload":{"on":false}}');
  assert.deepEqual(r.intervals, [2000]);
  assert.deepEqual(
    acks(r.sent).map((a) => a.ok),
    [true, true, false, true],
  );
  const states = r.sent.filter((m) => m.topic === "lux-1/state");
  const last = JSON.parse(states.at(-1)!.text) as Record<string, unknown>;
  assert.equal(states.at(-1)!.retain, true);
  assert.deepEqual(
    [last.sample_interval, last.integration_ms, last.auto_range, last.config_version],
    [2, 300, false, 3],
  );
  r.device.command('{"name":"reset_settings"}');
  assert.deepEqual(r.intervals, [2000, 5000]);
  assert.equal(r.settings.version, 4);
  r.device.commands.register("calibrate", (p) => `factor ${String(p.factor)}`);
  r.device.command('{"name":"calibrate","payload":{"factor":1.1}}');
  assert.equal(acks(r.sent).at(-1)!.message, "factor 1.1");
});
