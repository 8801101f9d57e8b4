// End to end: the simulated board (json readings with seq, QoS 1) → mosquitto → the
// collector command → CSV, through a broker kill/restart and a collector restart: every
// seq exactly once, in order, no gap; then a device restart is reported as one.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { mosquittoPath, startMosquitto, type TestBroker } from "../../host-sim/faults/brokers.js";
import { HEADER, splitCsv } from "../../tools/collector/csv.js";
import { runSim } from "../helpers/sim.js";
import { runNode, sleep, type Child } from "../tools/child.js";

const missing = mosquittoPath() === undefined ? "mosquitto is not installed (apt-get install mosquitto)" : false;
const COLLECT = new URL("../../tools/collect.js", import.meta.url);

function rows(path: string): string[][] {
  const lines = readFileSync(path, "utf8").split("\n").filter((l) => l !== "");
  assert.equal(lines[0], HEADER);
  return lines.slice(1).map((l) => splitCsv(l)!);
}

async function rowsUntil(path: string, seq: number, timeoutMs = 20_000): Promise<string[][]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = rows(path);
    if (r.some((f) => Number(f[5]) >= seq)) return r;
    if (Date.now() > end) throw new Error(`no row with seq >= ${seq} after ${timeoutMs} ms (last: ${r.at(-1)?.join(",")})`);
    await sleep(100);
  }
}

describe("collector against mosquitto", { skip: missing }, () => {
  let broker: TestBroker;
  let dir: string;
  before(async () => {
    broker = await startMosquitto();
    dir = mkdtempSync(join(tmpdir(), "luxflow-collect-e2e-"));
  });
  after(async () => {
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("gap-free CSV through a broker restart and a collector restart; a device restart is named", async (t) => {
    const out = join(dir, "readings.csv");
    const args = [`mqtt_port=${broker.port}`, "mqtt_topic=sensor-data", "mqtt_client_id=e2e-collector", `out=${out}`];
    const children: Child[] = [];
    t.after(async () => { for (const c of children) await c.stop(); });
    let collector = runNode(COLLECT, args);
    children.push(collector);
    await collector.waitFor(/collector: connected to 127\.0\.0\.1:\d+ as e2e-collector; writing/);

    const board = ["mqtt_host=127.0.0.1", `mqtt_port=${broker.port}`, "payload_format=json", "sensor_id=lux-7", "sample_interval=0.1",
      "mqtt_reconnect_min=0.1", "mqtt_reconnect_max=0.3", "sim_lux=500"];
    const sim = runSim(board);
    t.after(() => sim.stop());
    await rowsUntil(out, 8);

    await broker.kill();
    await sleep(800); // the board queues, the collector waits for the broker
    await broker.restart();
    await collector.waitFor(/collector: connected .* \(session resumed\)/);
    await rowsUntil(out, 30);

    // The collector goes away and comes back: the broker keeps its session's readings.
    assert.equal(await collector.stop(), 0);
    assert.ok(collector.lines.some((l) => /collector: summary: \d+ message\(s\), \d+ row\(s\) written/.test(l)), collector.lines.join("\n"));
    await sleep(600);
    collector = runNode(COLLECT, args);
    children.push(collector);
    await collector.waitFor(/collector: resuming .*readings\.csv: last seq recovered for 1 device\(s\)/);
    const written = rows(out).length;
    await rowsUntil(out, Number(rows(out).at(-1)![5]) + 10);
    assert.ok(rows(out).length > written + 5, "readings queued while the collector was away arrive");

    await sim.stop();
    const all = rows(out);
    const seqs = all.map((f) => Number(f[5]));
    assert.deepEqual(seqs, seqs.map((_, i) => i + 1), "every seq from 1, once, in order");
    const now = Date.now() / 1000;
    for (const f of all) {
      assert.equal(f.length, 8);
      assert.match(f[7]!, /^\d+$/, "the board's boot count");
      assert.equal(f[2], "lux-7");
      assert.equal(f[6], "lux-7");
      assert.ok(Math.abs(Number(f[0]) - now) < 60, `host timestamp ${f[0]}`);
      assert.equal(new Date(Number(f[0]) * 1000).toISOString(), f[1]);
      assert.ok(Math.abs(Number(f[3]) - 500) < 10, `lux ${f[3]}`);
    }
    const log = collector.lines.join("\n");
    assert.doesNotMatch(log, /gap|malformed/);

    // Same device id, booted again: its count starts over at 1.
    const again = runSim(board);
    t.after(() => again.stop());
    await collector.waitFor(new RegExp(`collector: lux-7: device restarted \\((boot \\d+, )?seq back to 1 after ${seqs.length}\\)$`));
    await again.stop();
    assert.equal(await collector.stop(), 0);
    assert.ok(collector.lines.some((l) => /^collector:\s+lux-7: \d+ row\(s\), 0 gap\(s\) with 0 reading\(s\) still missing, 0 late, \d+ duplicate\(s\), 1 restart\(s\)$/.test(l)), collector.lines.join("\n"));
  });
});
