// The firmware on XS with outside data that used to crash it (issue 11, items 8 and 11):
// a command nested 10,000 levels deep with mqtt_max_packet=100000 (the engine's native
// stack), and a sensor_id with a wildcard at boot. Either is one clear line; the device runs on.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { connect, type MqttClient } from "mqtt";
import { startEmbeddedBroker, type EmbeddedBroker } from "../../host-sim/broker.js";
import { bundleForXs, type XsBundle } from "../../host-sim/xs/bundle.js";
import { xsBoardOn } from "../helpers/xs-board.js";
import { until } from "../helpers/wait.js";

let bundle: XsBundle;
before(async () => {
  bundle = await bundleForXs();
});

function boardOn(port: number, args: string[]) {
  return xsBoardOn(bundle, port, args);
}

describe("outside data on XS", () => {
  let broker: EmbeddedBroker;
  before(async () => {
    broker = await startEmbeddedBroker(0);
  });
  after(async () => {
    await broker.close();
  });

  test("a command nested 10,000 levels deep (mqtt_max_packet=100000) is refused with an answer; the device keeps publishing", async () => {
    const device = await boardOn(broker.port, ["mqtt_max_packet=100000"]);
    const client: MqttClient = connect({
      host: "127.0.0.1",
      port: broker.port,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    const seen: { topic: string; text: string }[] = [];
    client.on("message", (topic, payload) => void seen.push({ topic, text: payload.toString() }));
    try {
      await new Promise<void>((resolve) =>
        client.once("connect", () => client.subscribe(["lux-1/result", "sensor-data"], { qos: 1 }, () => resolve())),
      );
      await until(
        () => device.lines.some((l) => /mqtt: connected to/.test(l)) && seen.some((m) => m.topic === "sensor-data"),
        "the board online",
        { timeoutMs: 15_000, detail: () => device.lines.join("") },
      );
      const deep = `{"name":"set_gain","payload":${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)},"time":3}`;
      assert.ok(deep.length > 60_000 && deep.length < 100_000);
      await new Promise<void>((resolve) => client.publish("lux-1/command", deep, { qos: 1 }, () => resolve()));
      await until(
        () => seen.some((m) => m.topic === "lux-1/result") || device.run.failure !== undefined,
        "the answer",
        { timeoutMs: 15_000, detail: () => device.lines.join("") },
      );
      assert.equal(device.run.failure, undefined, device.lines.join(""));
      assert.deepEqual(JSON.parse(seen.find((m) => m.topic === "lux-1/result")!.text), {
        ok: false,
        message: "command nests JSON deeper than 16 levels: refused unparsed",
      });
      const readings = seen.filter((m) => m.topic === "sensor-data").length;
      await until(() => seen.filter((m) => m.topic === "sensor-data").length >= readings + 3, "readings after it", {
        timeoutMs: 15_000,
        detail: () => device.lines.join(""),
      });
      client.publish("lux-1/command", '{"name":"report_state","time":4}', { qos: 1 });
      await until(
        () => seen.some((m) => m.topic === "lux-1/result" && m.text.includes('"time":4')),
        "a normal command after it",
        { timeoutMs: 15_000, detail: () => device.lines.join("") },
      );
    } finally {
      client.end(true);
      await device.stop();
    }
  });

  test("sensor_id with + at boot: a config error naming the key, no uncaught exception", async () => {
    const device = await boardOn(broker.port, ["sensor_id=a+b"]);
    try {
      await device.run.idle();
      assert.equal(device.run.failure, undefined, device.lines.join(""));
      assert.match(
        device.lines.join(""),
        /luxflow error: config: sensor_id must not contain the wildcards \+ or #.*\(got "a\+b"\); the device is idle/,
      );
    } finally {
      await device.stop();
    }
  });
});
