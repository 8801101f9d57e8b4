// Without network time a reading is stamped with seconds since boot (time_source "uptime");
// in deep sleep that count goes on across wakes (kept in RTC memory), so readings from
// successive wakes are one period apart rather than all "1 s after boot".
import assert from "node:assert/strict";
import { test } from "node:test";
import { connect } from "mqtt";
import { startAedes } from "../../host-sim/faults/brokers.js";
import { startFirmware } from "../../host-sim/xs/engines.js";
import { sleepingBoard } from "../../host-sim/sleeping-board.js";
import { until } from "../helpers/wait.js";

test("xs: uptime stamps go on across deep sleeps", { timeout: 60_000 }, async () => {
  const broker = await startAedes();
  const client = connect({
    host: "127.0.0.1",
    port: broker.port,
    protocolVersion: 4,
    clientId: `uptime-${process.pid}`,
    clean: false,
  });
  const stamps: { seq: number; ts: number; time_source: string }[] = [];
  client.on("message", (_t, p) =>
    stamps.push(JSON.parse(p.toString()) as { seq: number; ts: number; time_source: string }),
  );
  await new Promise<void>((resolve) => client.once("connect", () => resolve()));
  await client.subscribeAsync("sensor-data", { qos: 1 });
  const { board, lines, finished } = sleepingBoard(
    ["sample_interval=60", "payload_format=json", "mqtt_clean=0", "sim_sntp=0"],
    broker.port,
    3,
  );
  const firmware = await startFirmware("xs", board);
  try {
    await finished;
    await until(() => stamps.length >= 3, "a reading from each of the 3 wakes", {
      timeoutMs: 5000,
      detail: () => lines.join(""),
    });
    assert.deepEqual(
      stamps.map((s) => s.seq),
      [1, 2, 3],
      lines.join(""),
    );
    assert.ok(stamps.every((s) => s.time_source === "uptime"));
    assert.deepEqual(
      stamps.map((s) => Math.round((s.ts - stamps[0]!.ts) / 60)),
      [0, 1, 2],
      `one 60 s period apart: ${stamps.map((s) => s.ts).join(", ")}`,
    );
  } finally {
    await firmware.stop();
    board.powerOff();
    await client.endAsync();
    await broker.close();
  }
});
