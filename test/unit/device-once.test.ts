// Commands run at most once (issue 11, item 1): a retained command never runs, a redelivered
// one (same name and time) does not run again, within a boot (RAM) and across a reboot
// (flash, written only where a reboot could bring the command back), and every one of them
// is answered and logged once.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseConfig } from "../../src/config.js";
import { Device, deviceTopics } from "../../src/device.js";
import type { LightSource, SensorSettings } from "../../src/light.js";
import type { Logger } from "../../src/platform.js";
import { Settings } from "../../src/settings.js";
import { DeviceTime } from "../../src/timesync.js";
import { SimFlash } from "../../host-sim/parts/flash.js";
import { VirtualClock } from "../../host-sim/clock.js";

function boot(flash: SimFlash, config: Record<string, string> = {}) {
  const clock = new VirtualClock(0);
  const lines: string[] = [];
  const log: Logger = {
    info: (m) => lines.push(`info: ${m}`),
    warn: (m) => lines.push(`warn: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
  };
  const c = parseConfig({ mqtt_host: "127.0.0.1", ...config });
  const settings = new Settings(flash, { interval: 5000, gain: "medium", integration: 100, autoRange: true }, log);
  let sensor: SensorSettings = { gain: "medium", integration: 100, autoRange: true };
  const light = {
    get settings() {
      return sensor;
    },
    configure(s: Partial<SensorSettings>) {
      sensor = { ...sensor, ...s };
    },
  } as unknown as LightSource;
  const sent: { topic: string; text: string }[] = [];
  let restarts = 0;
  const device = new Device({
    deviceConfig: c,
    topics: deviceTopics(c),
    settings,
    light,
    time: new DeviceTime(clock, clock, log, "", undefined),
    timers: clock,
    log,
    restart: () => restarts++,
    readings: () => undefined,
    publish: (topic, text) => {
      sent.push({ topic, text });
      return "sent";
    },
  });
  const acks = () =>
    sent.filter((m) => m.topic === `${c.sensorId}/result`).map((m) => JSON.parse(m.text) as Record<string, unknown>);
  return { clock, device, lines, acks, restarts: () => restarts, flash };
}

test("a retained command is never run: answered as ignored, with how to clear it, in one log line", () => {
  const b = boot(new SimFlash());
  const writes = b.flash.writes;
  b.device.command('{"name":"restart"}', true);
  b.clock.advance(2000);
  assert.equal(b.restarts(), 0, "a retained restart restarts nothing");
  assert.deepEqual(b.acks(), [
    {
      name: "restart",
      ok: false,
      ignored: true,
      message:
        "ignored: a retained command is never run (the broker would send it again on every connect); clear it: mosquitto_pub -r -n -t lux-1/command",
    },
  ]);
  assert.deepEqual(b.lines, [
    "warn: command restart: ignored: a retained command is never run (the broker would send it again on every connect); clear it: mosquitto_pub -r -n -t lux-1/command",
  ]);
  assert.equal(b.flash.writes, writes, "ignoring writes nothing to flash");
  b.device.command("{not json", true);
  assert.equal(b.acks()[1]!.ignored, true, "a retained message that is not a command is ignored too");
  b.device.command('{"name":"set_interval","payload":{"seconds":9}}', true);
  assert.equal(b.acks()[2]!.ignored, true);
  assert.equal(b.device.commands.stats.ignored, 3);
});

test("the empty message that clears a retained command is not a command: no answer, one line", () => {
  const b = boot(new SimFlash());
  b.device.command("", false);
  assert.deepEqual(b.acks(), []);
  assert.deepEqual(b.lines, [
    "info: command: an empty message on lux-1/command (a retained command cleared): nothing to run",
  ]);
});

test("a redelivered command (same name and time) runs once; a new time runs again; no time, no identity", () => {
  const b = boot(new SimFlash());
  const writes = b.flash.writes;
  b.device.command('{"name":"report_state","time":7}');
  b.device.command('{"name":"report_state","time":7}');
  b.device.command('{"name":"report_state","time":"7"}');
  b.device.command('{"name":"report_state","time":8}');
  b.device.command('{"name":"report_state"}');
  b.device.command('{"name":"report_state"}');
  const acks = b.acks();
  assert.deepEqual(
    acks.map((a) => a.ignored === true),
    [false, true, false, false, false, false],
  );
  assert.match(
    String(acks[1]!.message),
    /^ignored: a command with this name and time has already run \(a redelivery\); send it with a new "time"/,
  );
  assert.equal(acks[1]!.time, 7);
  assert.equal(b.flash.writes, writes, "mqtt_clean=1 and no restart: nothing written to flash");
});

test("restart: its identity goes to flash first (one write), so the same restart after the reboot is ignored", () => {
  const flash = new SimFlash();
  const first = boot(flash);
  const before = flash.writes;
  first.device.command('{"name":"restart","time":1795355431000}');
  assert.equal(flash.writes - before, 1, "one flash write for the restart's identity");
  first.clock.advance(600);
  assert.equal(first.restarts(), 1);
  const second = boot(flash);
  second.device.command('{"name":"restart","time":1795355431000}');
  second.clock.advance(600);
  assert.equal(second.restarts(), 0, "a redelivered restart does not restart again");
  assert.equal(second.acks()[0]!.ignored, true);
  second.device.command('{"name":"restart","time":1795355432000}');
  second.clock.advance(600);
  assert.equal(second.restarts(), 1, "a new restart does");
});

test("mqtt_clean=0 (the broker redelivers across a reboot): one flash write per command with a time, none without; remembered after the reboot", () => {
  const flash = new SimFlash();
  const first = boot(flash, { mqtt_clean: "0" });
  const before = flash.writes;
  for (let i = 0; i < 100; i++) first.device.command(`{"name":"report_state","time":${i}}`);
  assert.equal(flash.writes - before, 100);
  first.device.command('{"name":"report_state"}');
  first.device.command('{"name":"report_state","time":99}');
  assert.equal(flash.writes - before, 100, "no write without a time, none for an ignored one");
  const second = boot(flash, { mqtt_clean: "0" });
  second.device.command('{"name":"report_state","time":99}');
  assert.equal(second.acks()[0]!.ignored, true, "the last command before the reboot is not run again");
  assert.equal(second.device.commands.stats.ignored, 1);
});
