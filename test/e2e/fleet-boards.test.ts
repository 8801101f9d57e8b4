// The fleet library in one process: every board boots src/main.ts's wiring (Board.boot), and
// each board's firmware reads its own board's modules — its config, its `System.restart`, its
// `instrumentation` — though all share one loaded main.ts. A restart command to one board
// reboots that board alone.
import assert from "node:assert/strict";
import { test } from "node:test";
import { connect } from "mqtt";
import { startAedes } from "../../host-sim/faults/brokers.js";
import { Fleet } from "../../host-sim/fleet/fleet.js";
import { until } from "../helpers/wait.js";

test("a fleet of 3 boots main.ts on each board; a restart command reboots only its board", async (t) => {
  const broker = await startAedes();
  t.after(() => broker.close());
  const lines: string[] = [];
  const fleet = new Fleet({
    devices: 3,
    idPrefix: "lux-",
    spreadMs: 0,
    sim: {},
    config: {
      mqtt_host: "127.0.0.1",
      mqtt_port: String(broker.port),
      ssid: "luxflow-sim",
      sample_interval: "0.5",
      health_interval: "1",
    },
    trace: (id, text) => lines.push(`[${id}] ${text}`),
  });
  t.after(() => fleet.stop());
  const client = connect({ host: "127.0.0.1", port: broker.port, protocolVersion: 4 });
  t.after(() => client.end(true));
  const health = new Map<string, { heap: number | null }>();
  client.on("message", (topic, payload) => {
    health.set(topic.slice(0, -"/health".length), JSON.parse(payload.toString()) as { heap: number | null });
  });
  await new Promise<void>((resolve) => {
    client.once("connect", () => client.subscribe("+/health", { qos: 1 }, () => resolve()));
  });

  await fleet.start();
  assert.deepEqual(
    fleet.members.map((m) => m.board.boots),
    [1, 1, 1],
  );
  assert.equal(new Set(fleet.members.map((m) => m.app)).size, 3, "an app per board");
  const ids = fleet.members.map((m) => m.board.run(() => m.app?.device.state().sensor_id));
  assert.deepEqual(ids, ["lux-1", "lux-2", "lux-3"], "each firmware read its own board's mc/config");
  await until(() => fleet.connected === 3 && health.size === 3, "3 connected boards reporting health", 10_000);
  for (const [id, report] of health) {
    assert.ok(
      typeof report.heap === "number" && report.heap > 0,
      `${id}: heap from main.ts's instrumentation wiring, got ${report.heap}`,
    );
  }

  const second = fleet.members[1]!;
  const before = second.app;
  await until(() => second.app?.connection.outbox.length === 0, "lux-2's command subscription", 10_000);
  await new Promise<void>((resolve) => {
    client.publish("lux-2/command", '{"name":"restart"}', { qos: 1 }, () => resolve());
  });
  await until(
    () => second.board.boots === 2 && second.app?.connection.connected === true,
    "lux-2 rebooted, connected",
    10_000,
  );
  assert.notEqual(second.app, before);
  assert.deepEqual(
    fleet.members.map((m) => m.board.restarts),
    [0, 1, 0],
    lines.join(""),
  );
  assert.deepEqual(
    fleet.members.map((m) => m.board.boots),
    [1, 2, 1],
  );
  assert.ok(
    lines.some((l) => l === "[lux-2] sim: restart 1\n"),
    lines.join(""),
  );
});
