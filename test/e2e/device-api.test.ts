// End to end, the device API (docs/device-api.md) as a user drives it: the unmodified
// firmware on the simulated board (the simulator CLI, a child process) against mosquitto;
// commands sent with mosquitto_pub, acknowledgements, state and health read back with the
// `mqtt` library; offline readings kept in flash across a simulated power cycle.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { connect, type MqttClient } from "mqtt";
import { startMosquitto, type TestBroker } from "../../host-sim/faults/brokers.js";
import { mosquittoWithPub, runSim } from "../helpers/sim.js";
import { sleep, until } from "../helpers/wait.js";

const { pub: PUB, missing } = mosquittoWithPub();

interface Message {
  topic: string;
  text: string;
  at: number;
}

async function subscriber(
  port: number,
  topics: string[],
  options: { clientId?: string; clean?: boolean } = {},
): Promise<{
  client: MqttClient;
  messages: Message[];
  next(topic: string, match?: (m: Message) => boolean, ms?: number): Promise<Message>;
}> {
  const client = connect({ host: "127.0.0.1", port, protocolVersion: 4, reconnectPeriod: 200, ...options });
  const messages: Message[] = [];
  const waiters: { topic: string; match: (m: Message) => boolean; resolve(m: Message): void }[] = [];
  client.on("message", (topic, payload) => {
    const m = { topic, text: payload.toString("utf8"), at: Date.now() };
    messages.push(m);
    for (const w of [...waiters])
      if (w.topic === topic && w.match(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
  });
  await new Promise<void>((resolve) =>
    client.once("connect", () => client.subscribe(topics, { qos: 1 }, () => resolve())),
  );
  return {
    client,
    messages,
    next(topic, match = () => true, ms = 15_000) {
      const seen = messages.find((m) => m.topic === topic && match(m));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `nothing on ${topic} within ${ms} ms; got ${messages.map((m) => `${m.topic} ${m.text}`).join(" | ")}`,
              ),
            ),
          ms,
        );
        waiters.push({
          topic,
          match,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
  };
}

function pub(port: number, topic: string, message: string): void {
  execFileSync(PUB!, ["-h", "127.0.0.1", "-p", String(port), "-q", "1", "-t", topic, "-m", message]);
}

const json = (m: Message) => JSON.parse(m.text) as Record<string, unknown>;

describe("device API against mosquitto", { skip: missing }, () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startMosquitto();
  });
  after(async () => {
    await broker?.close();
  });

  test("mosquitto_pub changes interval and gain: acknowledged, new cadence, new state; bad commands refused; health counters", async () => {
    const sub = await subscriber(broker.port, ["sensor-data", "lux-1/result", "lux-1/state", "lux-1/health"]);
    const sim = runSim([
      "mqtt_host=127.0.0.1",
      `mqtt_port=${broker.port}`,
      "payload_format=json",
      "sample_interval=1",
      "health_interval=1",
      "sim_lux=300",
    ]);
    try {
      const first = json(await sub.next("sensor-data"));
      assert.equal(first.sensor_id, "lux-1");
      for (const field of [
        "ts",
        "val",
        "seq",
        "boot",
        "full",
        "ir",
        "gain",
        "integration_ms",
        "saturated",
        "calibration",
        "time_source",
      ])
        assert.ok(field in first, `json reading has ${field}: ${JSON.stringify(first)}`);
      assert.equal(first.time_source, "sntp");
      const state0 = json(await sub.next("lux-1/state"));
      assert.equal(state0.sample_interval, 1);
      const version0 = state0.config_version as number;

      pub(
        broker.port,
        "lux-1/command",
        JSON.stringify({ name: "set_interval", payload: { seconds: 0.2 }, time: 1001 }),
      );
      const ack1 = json(await sub.next("lux-1/result", (m) => json(m).time === 1001));
      assert.deepEqual(ack1, { name: "set_interval", time: 1001, ok: true, message: "sample interval 0.2 s" });
      pub(broker.port, "lux-1/command", JSON.stringify({ name: "set_gain", payload: { gain: "high" }, time: 1002 }));
      const ack2 = json(await sub.next("lux-1/result", (m) => json(m).time === 1002));
      assert.equal(ack2.ok, true, JSON.stringify(ack2));
      const state = json(await sub.next("lux-1/state", (m) => json(m).gain === "high"));
      assert.equal(state.sample_interval, 0.2);
      assert.equal(state.config_version, version0 + 2);

      const since = Date.now();
      await sleep(2000); // the span the reading rate is measured over
      const after = sub.messages.filter((m) => m.topic === "sensor-data" && m.at >= since).length;
      assert.ok(after >= 5, `at 0.2 s about 10 readings in 2 s, at the old 1 s only 2 (got ${after})`);

      for (const [command, reason] of [
        ["{not json", /not JSON/],
        [JSON.stringify({ name: "self_destruct", time: 7 }), /unknown command "self_destruct"/],
        [
          JSON.stringify({ name: "set_gain", payload: { gain: "huge" }, time: 8 }),
          /payload\.gain must be one of low, medium, high, max \(got "huge"\)/,
        ],
        [
          JSON.stringify({ name: "set_interval", payload: { seconds: 0 }, time: 9 }),
          /payload\.seconds must be a number from 0\.1 to 86400/,
        ],
      ] as const) {
        const count = sub.messages.filter((m) => m.topic === "lux-1/result").length;
        pub(broker.port, "lux-1/command", command);
        const ack = await sub.next(
          "lux-1/result",
          () => sub.messages.filter((m) => m.topic === "lux-1/result").length > count,
        );
        const body = sub.messages.filter((m) => m.topic === "lux-1/result")[count]!;
        assert.equal(json(body).ok, false, ack.text);
        assert.match(String(json(body).message), reason);
      }
      pub(broker.port, "lux-1/command", JSON.stringify({ name: "report_state", time: 10 }));
      const unchanged = json(
        await sub.next("lux-1/state", (m) => json(m).config_version === version0 + 2 && m.at > since + 2000),
      );
      assert.equal(unchanged.gain, "high");
      assert.equal(unchanged.sample_interval, 0.2);

      const health = json(await sub.next("lux-1/health", (m) => (json(m).readings as number) > 3));
      for (const field of [
        "uptime",
        "heap",
        "rssi",
        "queue",
        "persisted",
        "dropped",
        "i2c_errors",
        "reconnects",
        "readings",
        "skipped",
      ])
        assert.ok(field in health, `health has ${field}`);
      assert.equal(health.rssi, -55);
      assert.equal(health.i2c_errors, 0);
      assert.equal(health.reconnects, 0);
      assert.equal(health.dropped, 0);
      assert.ok(typeof health.heap === "number" && health.heap > 0);
    } finally {
      await sim.stop();
      sub.client.end(true);
    }
  });

  test("restart by command: acknowledged, the board boots again and keeps what commands set; uptime timestamps without SNTP; HA discovery is retained", async () => {
    const sub = await subscriber(broker.port, ["lux-2/result", "lux-2/state", "homeassistant/sensor/lux-2/+/config"]);
    const sim = runSim([
      "mqtt_host=127.0.0.1",
      `mqtt_port=${broker.port}`,
      "sensor_id=lux-2",
      "sample_interval=1",
      "ha_discovery=1",
      "sim_sntp=0",
    ]);
    try {
      await sub.next("lux-2/state");
      pub(broker.port, "lux-2/command", JSON.stringify({ name: "set_interval", payload: { seconds: 3 }, time: 1 }));
      await sub.next("lux-2/result", (m) => json(m).time === 1);
      pub(broker.port, "lux-2/command", JSON.stringify({ name: "restart", time: 2 }));
      assert.deepEqual(json(await sub.next("lux-2/result", (m) => json(m).time === 2)), {
        name: "restart",
        time: 2,
        ok: true,
        message: "restarting in 0.5 s",
      });
      await sim.waitFor("stderr", /^sim: restart 1$/);
      const state = json(await sub.next("lux-2/state", (m) => json(m).boot === 2));
      assert.equal(state.sample_interval, 3, "the interval set by command survived the restart");
      assert.equal(state.config_version, 1);
      assert.equal(
        state.time_source,
        "uptime",
        "no time server: timestamps are seconds since boot, and the state says so",
      );
      assert.ok(
        sim.stderr.some((l) => /settings: saved by command: interval/.test(l)),
        sim.stderr.join("\n"),
      );
      const lux = json(await sub.next("homeassistant/sensor/lux-2/lux/config"));
      assert.equal(lux.device_class, "illuminance");
      assert.equal(lux.state_topic, "sensor-data");
      await sub.next("homeassistant/sensor/lux-2/rssi/config");
    } finally {
      await sim.stop();
      sub.client.end(true);
    }
    const late = await subscriber(broker.port, ["homeassistant/sensor/lux-2/lux/config"]);
    try {
      assert.equal(
        json(await late.next("homeassistant/sensor/lux-2/lux/config", () => true, 5000)).unique_id,
        "lux-2_lux",
        "discovery is retained for a Home Assistant that starts later",
      );
    } finally {
      late.client.end(true);
    }
  });

  test("queue_persist=1: readings taken while the broker is down survive a power cycle and arrive, with their seq, when it returns", async () => {
    const dir = mkdtempSync(join(tmpdir(), "luxflow-flash-"));
    const flash = join(dir, "flash.json");
    const sub = await subscriber(broker.port, ["sensor-data"], { clientId: "journal-check", clean: false });
    await broker.kill();
    const args = [
      "mqtt_host=127.0.0.1",
      `mqtt_port=${broker.port}`,
      "payload_format=json",
      "sample_interval=0.2",
      "queue_persist=1",
      `sim_flash=${flash}`,
      "mqtt_reconnect_min=0.2",
      "mqtt_reconnect_max=0.5",
    ];
    try {
      const before = runSim(args);
      await before.waitFor("stderr", /mqtt: .*refused/i);
      await sleep(1200); // readings taken while the broker is down
      await before.stop();
      assert.ok(existsSync(flash));
      const saved = JSON.parse(readFileSync(flash, "utf8")) as { luxq?: { n?: { v: number } } };
      const kept = saved.luxq?.n?.v ?? 0;
      assert.ok(kept >= 3, `readings kept in flash before the power cycle: ${kept}`);

      const afterBoot = runSim(args);
      await afterBoot.waitFor("stderr", new RegExp(`queue: ${kept} readings from before the reboot`));
      await broker.restart();
      try {
        await sub.next("sensor-data", (m) => json(m).boot === 2, 20_000);
        const readings = sub.messages.filter((m) => m.topic === "sensor-data").map(json);
        const old = readings.filter((r) => r.boot === 1).map((r) => r.seq);
        assert.deepEqual(
          old.slice(0, kept),
          Array.from({ length: kept }, (_, i) => i + 1),
          `boot 1 readings in order: ${old.join(",")}`,
        );
        const firstNew = readings.findIndex((r) => r.boot === 2);
        assert.ok(
          readings.slice(0, firstNew).every((r) => r.boot === 1),
          "the journal is replayed ahead of new readings",
        );
        await afterBoot.waitFor("stdout", /"boot":2,/);
        const left = () =>
          (JSON.parse(readFileSync(flash, "utf8")) as { luxq?: { n?: { v: number } } }).luxq?.n?.v ?? 0;
        await until(() => left() === 0, "the flash copy cleared once everything is delivered", {
          timeoutMs: 5000,
          everyMs: 200,
          detail: () => `${left()} readings still in flash`,
        });
      } finally {
        await afterBoot.stop();
      }
    } finally {
      sub.client.end(true);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
