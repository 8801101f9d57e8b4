// Store-and-forward through the whole firmware: the simulated board (the CLI, as a user runs
// it) publishes json readings at QoS 1 through a fault proxy to mosquitto, while the proxy
// resets and closes the link ten times, Wi-Fi goes away for a second, and the broker is
// killed and restarted. A
// persistent-session subscriber must see every sequence number, in order after
// de-duplication, and the board must say what happened in its log and never stop.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { connect, type MqttClient } from "mqtt";
import { mosquittoPath, startMosquitto, type TestBroker } from "../../host-sim/faults/brokers.js";
import { FaultProxy } from "../../host-sim/faults/proxy.js";
import { runSim, type SimProcess } from "../helpers/sim.js";
import { until } from "../helpers/wait.js";

/** How many times the board has said it connected to the broker. */
const connections = (sim: SimProcess) => sim.stderr.filter((line) => /mqtt: connected to/.test(line)).length;

/**
 * Paces the next fault on the board's own events instead of a fixed delay: the board is
 * connected again (a connection newer than `after`) and `readings` sequence numbers the
 * subscriber had not seen have reached it, so each fault cuts a live connection that has
 * delivered. New ones, not messages: the resent backlog arrives again as duplicates, and
 * cutting each connection before its oldest message is acknowledged would be another
 * scenario (the set-aside rule for a broker that drops the link on one message).
 */
async function connectedAndDelivering(
  sim: SimProcess,
  after: number,
  seen: number[],
  readings: number,
  timeoutMs = 15_000,
): Promise<void> {
  await until(() => connections(sim) > after, "the board connected again", {
    timeoutMs,
    detail: () => sim.stderr.join("\n"),
  });
  const had = new Set(seen).size;
  await until(() => new Set(seen).size >= had + readings, `${readings} new readings delivered on the new connection`, {
    timeoutMs,
    detail: () => sim.stderr.join("\n"),
  });
}

describe(
  "store-and-forward through the firmware",
  { skip: mosquittoPath() === undefined ? "mosquitto is not installed" : false },
  () => {
    let broker: TestBroker;
    let proxy: FaultProxy;
    let subscriber: MqttClient;
    const seen: number[] = [];

    before(async () => {
      broker = await startMosquitto();
      proxy = await FaultProxy.start({ port: broker.port });
      subscriber = connect({
        host: "127.0.0.1",
        port: broker.port,
        clientId: `saf-${process.pid}`,
        clean: false,
        reconnectPeriod: 100,
        protocolVersion: 4,
      });
      subscriber.on("message", (_topic, payload) => seen.push((JSON.parse(payload.toString()) as { seq: number }).seq));
      await subscriber.subscribeAsync("sensor-data", { qos: 1 });
    });

    after(async () => {
      await subscriber?.endAsync();
      await proxy?.stop();
      await broker?.close();
    });

    test("every reading arrives across 10 link drops, a Wi-Fi loss and a broker restart", async () => {
      const sim = runSim([
        "mqtt_host=127.0.0.1",
        `mqtt_port=${proxy.port}`,
        "payload_format=json",
        "qos=1",
        "sample_interval=0.1",
        "mqtt_keepalive=2",
        "mqtt_reconnect_min=0.1",
        "mqtt_reconnect_max=0.4",
        "sim_wifi_drop_at=1.5",
        "sim_wifi_drop_for=1",
        // Room for the whole run: this test is about faults, not about the bounded queue's
        // drop-oldest rule (test/unit/mqtt-qos.test.ts covers that).
        "queue_bytes=65536",
      ]);
      try {
        await sim.waitFor("stderr", /mqtt: connected to/);
        for (let i = 0; i < 10; i++) {
          await connectedAndDelivering(sim, connections(sim) - 1, seen, 4);
          const dropped = connections(sim);
          if (i % 2 === 0) proxy.resetAll();
          else proxy.closeAll();
          if (i === 5) {
            await broker.kill();
            // The board has noticed the broker is gone (a refused attempt) before it comes back.
            const refusals = sim.stderr.filter((line) => /retrying in/.test(line)).length;
            await until(
              () => sim.stderr.filter((line) => /retrying in/.test(line)).length >= refusals + 2,
              "a retry against the stopped broker",
              { timeoutMs: 10_000, detail: () => sim.stderr.join("\n") },
            );
            await broker.restart();
          }
          // Every fault cut a live connection: the board reconnects after each one.
          await connectedAndDelivering(sim, dropped, seen, 1);
        }
        const last = Math.max(...seen);
        await until(() => new Set(seen).size >= last, `all of seq 1..${last}`, 15_000).catch((error: Error) => {
          const missing = Array.from({ length: last }, (_, i) => i + 1).filter((n) => !seen.includes(n));
          throw new Error(`${error.message}; missing ${missing.join(",")}\n${sim.stderr.join("\n")}`);
        });
        const firsts: number[] = [];
        for (const n of seen) if (!firsts.includes(n)) firsts.push(n);
        assert.deepEqual(
          firsts.slice(0, last),
          Array.from({ length: last }, (_, i) => i + 1),
          `in order after de-duplication, none lost: ${firsts.join(",")}\n${sim.stderr.join("\n")}`,
        );
        assert.ok(last >= 40, `readings published: ${last}`);
        assert.ok(!sim.stderr.some((line) => line.includes("outbox full")), "nothing dropped for lack of room");
        const retries = sim.stderr.filter((line) => /^luxflow warn: mqtt: .*; retrying in \d+\.\d s$/.test(line));
        assert.ok(retries.length >= 10, `one readable line per drop:\n${sim.stderr.join("\n")}`);
        assert.ok(
          sim.stderr.includes('luxflow warn: wifi: lost "luxflow-sim" (lostIP); rejoining'),
          "the Wi-Fi loss is reported",
        );
        assert.ok(
          sim.stderr.filter((l) => l.includes('wifi: connected to "luxflow-sim"')).length >= 2,
          "and the board rejoined",
        );
        assert.equal(sim.child.exitCode, null, "the board is still running");
      } finally {
        await sim.stop();
      }
    });
  },
);

describe(
  "a flapping link with the default queue and backoff",
  { skip: mosquittoPath() === undefined ? "mosquitto is not installed" : false },
  () => {
    // Issue 11's run at 4x speed: json readings at QoS 1, the link cut every second (every 4 s at
    // sample_interval=1), then 4 s of half-open silence, then cut again. queue_bytes, the
    // reconnect backoff and the in-flight window are the defaults; keepalive 2 s.
    test("every reading arrives: the backoff starts over after each connection that delivered, half-open is noticed", async () => {
      const broker = await startMosquitto();
      const proxy = await FaultProxy.start({ port: broker.port });
      const seen: number[] = [];
      const subscriber = connect({
        host: "127.0.0.1",
        port: broker.port,
        clientId: `flap-${process.pid}`,
        clean: false,
        reconnectPeriod: 100,
        protocolVersion: 4,
      });
      subscriber.on("message", (_topic, payload) => seen.push((JSON.parse(payload.toString()) as { seq: number }).seq));
      await subscriber.subscribeAsync("sensor-data", { qos: 1 });
      const sim = runSim([
        "mqtt_host=127.0.0.1",
        `mqtt_port=${proxy.port}`,
        "payload_format=json",
        "qos=1",
        "sample_interval=0.25",
        "mqtt_keepalive=2",
      ]);
      try {
        await sim.waitFor("stderr", /mqtt: connected to/);
        // Each cut comes once the new connection has delivered readings (issue 11 cut it every
        // second, about 4 readings): that delivery is what starts the backoff over.
        for (let i = 0; i < 6; i++) {
          await connectedAndDelivering(sim, connections(sim) - 1, seen, 4);
          proxy.closeAll();
        }
        // Half-open: the link goes silent while the board is connected (not while it is reconnecting).
        await connectedAndDelivering(sim, connections(sim), seen, 1);
        const presumedDead = () => sim.stderr.filter((line) => line.includes("connection presumed dead")).length;
        const dead = presumedDead();
        proxy.blackhole(true);
        await until(() => presumedDead() > dead, "the board to presume the silent link dead (keepalive 2 s)", {
          timeoutMs: 10_000,
          detail: () => sim.stderr.join("\n"),
        });
        proxy.blackhole(false);
        for (let i = 0; i < 4; i++) {
          await connectedAndDelivering(sim, connections(sim) - 1, seen, 4);
          proxy.closeAll();
        }
        // Readings taken during the faults (about 4 a second for 15 s) arrive once the link holds.
        await until(
          () => seen.length > 0 && Math.max(...seen) >= 55,
          "the readings taken during the faults",
          20_000,
        ).catch((error: Error) => {
          throw new Error(`${error.message}; newest seq ${Math.max(0, ...seen)}\n${sim.stderr.join("\n")}`);
        });
        const last = Math.max(...seen);
        await until(() => new Set(seen).size >= last, `all of seq 1..${last}`, 20_000).catch((error: Error) => {
          const missing = Array.from({ length: last }, (_, i) => i + 1).filter((n) => !seen.includes(n));
          throw new Error(`${error.message}; missing ${missing.join(",")}\n${sim.stderr.join("\n")}`);
        });
        assert.ok(
          !sim.stderr.some((line) => line.includes("outbox full")),
          `nothing dropped:\n${sim.stderr.join("\n")}`,
        );
        assert.ok(
          sim.stderr.some((line) => line.includes("connection presumed dead")),
          `the half-open link was noticed:\n${sim.stderr.join("\n")}`,
        );
      } finally {
        await sim.stop();
        await subscriber.endAsync();
        await proxy.stop();
        await broker.close();
      }
    });
  },
);
