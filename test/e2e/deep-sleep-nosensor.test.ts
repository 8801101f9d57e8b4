// A board whose sensor does not answer has nothing to wait for: each wake reports its health
// (with the I2C errors) and goes back to sleep without staying up for awake_max.
import assert from "node:assert/strict";
import { test } from "node:test";
import { connect } from "mqtt";
import { startAedes } from "../../host-sim/faults/brokers.js";
import { startFirmware } from "../../host-sim/xs/engines.js";
import { sleepingBoard } from "../../host-sim/sleeping-board.js";
import { until } from "../helpers/wait.js";

test(
  "xs: no sensor: health is reported and the board sleeps without waiting for awake_max",
  { timeout: 60_000 },
  async () => {
    const broker = await startAedes();
    const client = connect({
      host: "127.0.0.1",
      port: broker.port,
      protocolVersion: 4,
      clientId: `nosensor-${process.pid}`,
    });
    const health: { i2c_errors: number; readings: number }[] = [];
    client.on("message", (_t, p) => health.push(JSON.parse(p.toString()) as { i2c_errors: number; readings: number }));
    await new Promise<void>((resolve) => client.once("connect", () => resolve()));
    await client.subscribeAsync("lux-1/health", { qos: 0 });
    const { board, lines, finished } = sleepingBoard(
      ["sample_interval=60", "mqtt_clean=0", "sim_fault=absent"],
      broker.port,
      2,
    );
    const firmware = await startFirmware("xs", board);
    try {
      await finished;
      const log = lines.join("");
      assert.equal(
        log.match(/sleep: no reading \(the sensor does not answer\); awake \d+ ms, nothing queued/g)?.length,
        2,
        log,
      );
      assert.doesNotMatch(log, /awake_max reached/);
      await until(() => health.length >= 2, "a health report from each wake", { timeoutMs: 5000, detail: () => log });
      assert.equal(health.length, 2, "one health report per wake");
      assert.ok(
        health.every((h) => h.i2c_errors > 0 && h.readings === 0),
        JSON.stringify(health),
      );
    } finally {
      await firmware.stop();
      board.powerOff();
      await client.endAsync();
      await broker.close();
    }
  },
);
