// The fleet simulator as a user runs it (npm run fleet): 20 boards in one process, each the
// unmodified application on its own Board, against a real broker; a subscriber sees 20
// devices, each with its own client id, light level and an unbroken seq from 1.
import assert from "node:assert/strict";
import { test } from "node:test";
import { connect } from "mqtt";
import { startEmbeddedBroker } from "../../host-sim/broker.js";
import { fleetLux } from "../../host-sim/fleet/fleet.js";
import { runNode } from "../tools/child.js";
import { until } from "../helpers/wait.js";

const FLEET = new URL("../../host-sim/fleet-cli.js", import.meta.url);

test("npm run fleet -- devices=20: 20 boards, own ids, scenes and seqs, through a real broker", async (t) => {
  const broker = await startEmbeddedBroker(0);
  t.after(() => broker.close());
  const sub = connect({ host: "127.0.0.1", port: broker.port, protocolVersion: 4 });
  t.after(() => sub.end(true));
  const readings = new Map<string, { seq: number; val: number }[]>();
  const status = new Map<string, string>();
  sub.on("message", (topic, payload) => {
    if (topic.endsWith("/status")) status.set(topic.slice(0, -"/status".length), payload.toString());
    else {
      const r = JSON.parse(payload.toString()) as { sensor_id: string; seq: number; val: number };
      readings.set(r.sensor_id, [...(readings.get(r.sensor_id) ?? []), { seq: r.seq, val: r.val }]);
    }
  });
  await new Promise<void>((resolve) =>
    sub.on("connect", () => sub.subscribe(["sensor-data", "+/status"], { qos: 1 }, () => resolve())),
  );

  const fleet = runNode(
    FLEET,
    [
      "devices=20",
      "mqtt_host=127.0.0.1",
      `mqtt_port=${broker.port}`,
      "payload_format=json",
      "sample_interval=0.25",
      "spread=0.25",
    ],
    { loader: true },
  );
  t.after(() => fleet.stop());
  await fleet.waitFor(
    /^fleet: 20 boards publishing to mqtt:\/\/127\.0\.0\.1:\d+ topic sensor-data every 0\.25 s; Ctrl-C stops$/,
  );
  // On time-out the checks below name the board that is short.
  await until(
    () => [...readings.values()].filter((r) => r.length >= 6).length >= 20,
    "6 readings from each of the 20 boards",
    { timeoutMs: 15_000, everyMs: 100 },
  ).catch(() => undefined);
  assert.equal(broker.aedes.connectedClients, 21, "20 boards with distinct client ids, plus the subscriber");
  assert.equal(await fleet.stop(), 0);
  assert.ok(
    fleet.lines.some((l) => /^fleet: stopped: \d+ readings published$/.test(l)),
    fleet.lines.join("\n"),
  );

  await until(() => [...status.values()].filter((v) => v === "offline").length >= 20, "all 20 boards offline", {
    timeoutMs: 5000,
    everyMs: 50,
  }).catch(() => undefined);
  assert.deepEqual([...readings.keys()].sort(), Array.from({ length: 20 }, (_, i) => `lux-${i + 1}`).sort());
  for (let i = 1; i <= 20; i++) {
    const rs = readings.get(`lux-${i}`)!;
    assert.ok(rs.length >= 6, `lux-${i}: ${rs.length} readings`);
    assert.deepEqual(
      rs.map((r) => r.seq),
      rs.map((_, k) => k + 1),
      `lux-${i}: seq from 1 without a gap`,
    );
    const lux = fleetLux(i, 20);
    for (const r of rs) assert.ok(Math.abs(r.val - lux) <= lux * 0.03, `lux-${i}: ${r.val} lux, its scene says ${lux}`);
    assert.equal(
      status.get(`lux-${i}`),
      "offline",
      `lux-${i}: the retained status went online, then offline when it stopped`,
    );
  }
  assert.notEqual(fleetLux(1, 20), fleetLux(20, 20));
});

test("a bad fleet key is one clear line and exit code 2", async () => {
  const bad = runNode(FLEET, ["devices=zero"], { loader: true });
  assert.equal(await bad.exited, 2);
  assert.deepEqual(
    bad.lines.filter((l) => l !== ""),
    ['fleet: devices must be a whole number from 1 to 100000 (got "zero")'],
  );
  const unknown = runNode(FLEET, ["devices=2", "mqtt_hots=1"], { loader: true });
  assert.equal(await unknown.exited, 2);
  assert.match(unknown.lines.join("\n"), /fleet: unknown key "mqtt_hots"/);
});
