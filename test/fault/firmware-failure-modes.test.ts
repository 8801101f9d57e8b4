// Issue 11 through the whole firmware (the simulator's CLI, as a user runs it) against
// mosquitto: a command above mqtt_max_packet gets one answer on the result topic and the
// connection stays; with `max_packet_size 300` the 389-byte retained state is set aside with a
// clear error, readings keep flowing, and report_state does not claim it published the state.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { connectAsync, type MqttClient } from "mqtt";
import { mosquittoPath, startMosquitto, type TestBroker } from "../../host-sim/faults/brokers.js";
import { runSim, type SimProcess } from "../helpers/sim.js";
import { sleep, until as untilTrue } from "../helpers/wait.js";

/** Waits for `condition`; on time-out the message carries the board's log. */
const until = (condition: () => boolean, what: string, timeoutMs: number, sim: SimProcess) =>
  untilTrue(condition, what, { timeoutMs, detail: () => sim.stderr.join("\n") });

interface Watch {
  client: MqttClient;
  messages: { topic: string; text: string }[];
}

async function watch(broker: TestBroker, topics: string[]): Promise<Watch> {
  const client = await connectAsync({
    host: "127.0.0.1",
    port: broker.port,
    clientId: `watch-${process.pid}-${Math.random().toString(36).slice(2, 6)}`,
    protocolVersion: 4,
  });
  const messages: Watch["messages"] = [];
  client.on("message", (topic, payload) => messages.push({ topic, text: payload.toString() }));
  await client.subscribeAsync(topics, { qos: 1 });
  return { client, messages };
}

const results = (w: Watch) =>
  w.messages
    .filter((m) => m.topic === "lux-1/result")
    .map((m) => JSON.parse(m.text) as { name?: string; ok: boolean; message: string });

describe(
  "the firmware and issue 11",
  { skip: mosquittoPath() === undefined ? "mosquitto is not installed" : false },
  () => {
    test("a 5 KB command: one answer on the result topic, the connection kept; retained, it says how to clear it", async () => {
      const broker = await startMosquitto();
      const w = await watch(broker, ["lux-1/result", "sensor-data"]);
      const sim = runSim([
        `mqtt_host=127.0.0.1`,
        `mqtt_port=${broker.port}`,
        "sample_interval=0.5",
        "mqtt_reconnect_min=0.1",
      ]);
      try {
        await sim.waitFor("stderr", /mqtt: connected to/);
        // The board sends its SUBSCRIBE before the readings on each connection, and the broker
        // handles one connection's packets in order: a reading at the watcher means it is subscribed.
        await until(
          () => w.messages.some((m) => m.topic === "sensor-data"),
          "a reading from the board (subscribed)",
          10_000,
          sim,
        );
        await w.client.publishAsync("lux-1/command", "x".repeat(5000), { qos: 1 });
        await until(() => results(w).length === 1, "one answer", 10_000, sim);
        await w.client.publishAsync("lux-1/command", JSON.stringify({ name: "report_state", time: 7 }), { qos: 1 });
        await until(() => results(w).length === 2, "the next command answered", 10_000, sim);
        // Retained, it comes again with every subscription: a board (re)starting gets it at once.
        await w.client.publishAsync("lux-1/command", "y".repeat(5000), { qos: 1, retain: true });
        await until(() => results(w).length === 3, "an answer to the retained one", 10_000, sim);
        await sim.stop();
        const again = runSim([
          `mqtt_host=127.0.0.1`,
          `mqtt_port=${broker.port}`,
          "sample_interval=0.5",
          "mqtt_reconnect_min=0.1",
        ]);
        try {
          await until(() => results(w).length === 4, "the restarted board's answer to the retained one", 10_000, again);
          await sleep(1000); // a window in which a disconnect loop would show
          assert.ok(!again.stderr.some((l) => /retrying in/.test(l)), `no disconnect:\n${again.stderr.join("\n")}`);
          assert.equal(again.stderr.filter((l) => /mqtt: connected to/.test(l)).length, 1, "no reconnect loop");
        } finally {
          await again.stop();
        }
        const [first, next, live, retained] = results(w);
        assert.deepEqual(first, { ok: false, message: "command of 5020 bytes not read: above mqtt_max_packet (4096)" });
        assert.equal(next?.ok, true);
        assert.deepEqual(
          live,
          first,
          "a retained message reaches a subscriber already there without the retain flag [MQTT-3.3.1-9]",
        );
        assert.deepEqual(retained, {
          ok: false,
          message:
            "command of 5020 bytes not read: above mqtt_max_packet (4096); it is retained: clear it with mosquitto_pub -r -n -t lux-1/command",
        });
        assert.equal(results(w).length, 4, "exactly one answer each");
        assert.ok(!sim.stderr.some((l) => /retrying in/.test(l)), `no disconnect:\n${sim.stderr.join("\n")}`);
        await w.client.publishAsync("lux-1/command", "", { qos: 1, retain: true });
      } finally {
        await sim.stop();
        await w.client.endAsync();
        await broker.close();
      }
    });

    test("max_packet_size 300: the state is set aside with one error, readings flow, report_state says it was not published", async () => {
      const broker = await startMosquitto(0, ["max_packet_size 300"]);
      const w = await watch(broker, ["sensor-data", "lux-1/result"]);
      const sim = runSim([
        `mqtt_host=127.0.0.1`,
        `mqtt_port=${broker.port}`,
        "sample_interval=0.2",
        "qos=1",
        "mqtt_reconnect_min=0.1",
        "mqtt_reconnect_max=1",
      ]);
      try {
        await sim.waitFor("stderr", /set aside, not sent again/, 20_000);
        const before = w.messages.filter((m) => m.topic === "sensor-data").length;
        await sleep(2000); // the span the reading rate is measured over
        const after = w.messages.filter((m) => m.topic === "sensor-data").length;
        assert.ok(after - before >= 5, `readings keep flowing: ${after - before} in 2 s\n${sim.stderr.join("\n")}`);
        await w.client.publishAsync("lux-1/command", JSON.stringify({ name: "report_state", time: 1 }), { qos: 1 });
        await until(() => results(w).length === 1, "the report_state answer", 10_000, sim);
        const [ack] = results(w);
        assert.equal(ack?.ok, false, JSON.stringify(ack));
        assert.match(ack!.message, /^state not published to lux-1\/state: /);
        const deaths = sim.stderr.filter((l) => /closed by the peer; retrying/.test(l)).length;
        assert.ok(deaths <= 4, `${deaths} disconnects:\n${sim.stderr.join("\n")}`);
        assert.equal(sim.child.exitCode, null);
      } finally {
        await sim.stop();
        await w.client.endAsync();
        await broker.close();
      }
    });
  },
);
