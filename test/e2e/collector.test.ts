// End to end: the simulated board (json readings with seq, QoS 1) → mosquitto → the
// collector command → CSV, through a broker kill/restart and a collector restart: every
// seq exactly once, in order, no gap; then a device restart is reported as one. A reading
// that cannot be written is skipped and acknowledged (issue 12, defect 1). Then PostgreSQL
// (a throwaway Debian cluster): through a database restart, and with three collectors in one
// shared subscription, one killed mid-run, every seq lands exactly once.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { connect as mqttConnect, type MqttClient } from "mqtt";
import pg from "pg";
import { mosquittoPath, startMosquitto, type TestBroker } from "../../host-sim/faults/brokers.js";
import { Fleet } from "../../host-sim/fleet/fleet.js";
import { manifestConfig } from "../../host-sim/options.js";
import { HEADER, splitCsv } from "../../tools/collector/csv.js";
import { postgresMissing, startPostgres, type TestPostgres } from "../helpers/postgres.js";
import { runSim } from "../helpers/sim.js";
import { runNode, type Child } from "../tools/child.js";
import { sleep, until } from "../helpers/wait.js";

const missing = mosquittoPath() === undefined ? "mosquitto is not installed (apt-get install mosquitto)" : false;
const COLLECT = new URL("../../tools/collect.js", import.meta.url);

function rows(path: string): string[][] {
  const lines = readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "");
  assert.equal(lines[0], HEADER);
  return lines.slice(1).map((l) => splitCsv(l)!);
}

async function rowsUntil(path: string, seq: number, timeoutMs = 20_000): Promise<string[][]> {
  await until(() => rows(path).some((f) => Number(f[5]) >= seq), `a row with seq >= ${seq}`, {
    timeoutMs,
    everyMs: 100,
    detail: () => `last: ${rows(path).at(-1)?.join(",")}`,
  });
  return rows(path);
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
    t.after(async () => {
      for (const c of children) await c.stop();
    });
    let collector = runNode(COLLECT, args);
    children.push(collector);
    await collector.waitFor(/collector: connected to 127\.0\.0\.1:\d+ as e2e-collector; writing/);

    const board = [
      "mqtt_host=127.0.0.1",
      `mqtt_port=${broker.port}`,
      "payload_format=json",
      "sensor_id=lux-7",
      "sample_interval=0.1",
      "mqtt_reconnect_min=0.1",
      "mqtt_reconnect_max=0.3",
      "sim_lux=500",
    ];
    const sim = runSim(board);
    t.after(() => sim.stop());
    await rowsUntil(out, 8);

    const retries = () => sim.stderr.filter((l) => /retrying in/.test(l)).length;
    const before = retries();
    await broker.kill();
    // The board queues, the collector waits for the broker: restart once the board has retried.
    await until(() => retries() >= before + 2, "the board retrying against the stopped broker", {
      timeoutMs: 10_000,
      detail: () => sim.stderr.join("\n"),
    });
    await broker.restart();
    await collector.waitFor(/collector: connected .* \(session resumed\)/);
    await rowsUntil(out, 30);

    // The collector goes away and comes back: the broker keeps its session's readings.
    assert.equal(await collector.stop(), 0);
    assert.ok(
      collector.lines.some((l) => /collector: summary: \d+ message\(s\), \d+ row\(s\) written/.test(l)),
      collector.lines.join("\n"),
    );
    // The simulator's own watcher prints each reading the broker passes on.
    const printed = sim.stdout.length;
    await until(() => sim.stdout.length >= printed + 5, "5 readings at the broker while the collector is away", 10_000);
    collector = runNode(COLLECT, args);
    children.push(collector);
    await collector.waitFor(/collector: resuming .*readings\.csv: seqs recovered for 1 device\(s\)/);
    const written = rows(out).length;
    await rowsUntil(out, Number(rows(out).at(-1)![5]) + 10);
    assert.ok(rows(out).length > written + 5, "readings queued while the collector was away arrive");

    await sim.stop();
    const all = rows(out);
    const seqs = all.map((f) => Number(f[5]));
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => i + 1),
      "every seq from 1, once, in order",
    );
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
    await collector.waitFor(
      new RegExp(`collector: lux-7: device restarted \\((boot \\d+, )?seq back to 1 after ${seqs.length}\\)$`),
    );
    await again.stop();
    assert.equal(await collector.stop(), 0);
    assert.ok(
      collector.lines.some((l) =>
        /^collector:\s+lux-7: \d+ row\(s\), 0 gap\(s\) with 0 reading\(s\) still missing, 0 late, \d+ duplicate\(s\), 1 restart\(s\)$/.test(
          l,
        ),
      ),
      collector.lines.join("\n"),
    );
  });
});

async function mqttClient(port: number): Promise<MqttClient> {
  const c = mqttConnect({ host: "127.0.0.1", port, protocolVersion: 4, clean: true });
  await new Promise<void>((resolve, reject) => {
    c.once("connect", () => resolve());
    c.once("error", reject);
  });
  return c;
}

describe("collector: a reading that cannot be written", { skip: missing }, () => {
  test("is logged, skipped and acknowledged: later rows flow, and a restart does not see it again", async (t) => {
    const broker = await startMosquitto();
    const dir = mkdtempSync(join(tmpdir(), "luxflow-collect-evil-"));
    t.after(async () => {
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const out = join(dir, "readings.csv");
    const args = [`mqtt_port=${broker.port}`, "mqtt_client_id=skip-test", `out=${out}`, "timestamps=device"];
    let collector = runNode(COLLECT, args);
    t.after(() => collector.stop());
    await collector.waitFor(/collector: connected/);
    const pub = await mqttClient(broker.port);
    t.after(() => pub.end(true));
    await pub.publishAsync("sensor-data", '["evil",1e300,1]', { qos: 1 });
    await pub.publishAsync("sensor-data", '["lux-1",1795355431,5]', { qos: 1 });
    await collector.waitFor(/^collector: evil: reading skipped \(cannot be written: timestamp 1e\+300 is not a date\)/);
    await until(() => rows(out).length >= 1, "the good reading's row", { timeoutMs: 10_000, everyMs: 50 }).catch(
      () => undefined,
    );
    assert.deepEqual(
      rows(out).map((r) => r[2]),
      ["lux-1"],
    );
    assert.equal(await collector.stop(), 0);
    collector = runNode(COLLECT, args);
    await collector.waitFor(/collector: connected .* \(session resumed\)/);
    await pub.publishAsync("sensor-data", '["lux-1",1795355432,6]', { qos: 1 });
    await until(() => rows(out).length >= 2, "the next reading's row", { timeoutMs: 10_000, everyMs: 50 }).catch(
      () => undefined,
    );
    await sleep(300); // a window in which a redelivered message would be written
    assert.deepEqual(
      rows(out).map((r) => r[3]),
      ["5", "6"],
    );
    assert.ok(
      !collector.lines.some((l) => /reading skipped|cannot write/.test(l)),
      `not redelivered:\n${collector.lines.join("\n")}`,
    );
  });
});

const pgMissing = postgresMissing();

async function seqsIn(db: pg.Client): Promise<Map<string, number[]>> {
  const r = await db.query<{ device: string; seqs: string[] }>(
    "SELECT device, array_agg(seq ORDER BY seq) AS seqs FROM luxflow_readings GROUP BY device",
  );
  return new Map(r.rows.map((row) => [row.device, row.seqs.map(Number)]));
}

/** Waits until the table holds, per device, every seq up to the highest one published. */
async function converged(
  db: pg.Client,
  published: Map<string, number>,
  timeoutMs = 30_000,
): Promise<Map<string, number[]>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const got = await seqsIn(db);
    const done = [...published].every(([id, top]) => (got.get(id)?.length ?? 0) >= top);
    if (done || Date.now() > end) return got;
    await sleep(200);
  }
}

function assertExactlyOnce(got: Map<string, number[]>, published: Map<string, number>): void {
  assert.deepEqual([...got.keys()].sort(), [...published.keys()].sort());
  for (const [id, top] of published) {
    const seqs = got.get(id)!;
    assert.deepEqual(
      seqs,
      Array.from({ length: top }, (_, i) => i + 1),
      `${id}: every seq 1..${top} exactly once`,
    );
  }
}

/** The highest seq seen per device on the readings topic, by an independent subscriber. */
async function watchSeqs(port: number): Promise<{ client: MqttClient; top: Map<string, number> }> {
  const client = await mqttClient(port);
  const top = new Map<string, number>();
  client.on("message", (_t, payload) => {
    const r = JSON.parse(payload.toString()) as { sensor_id: string; seq: number };
    top.set(r.sensor_id, Math.max(top.get(r.sensor_id) ?? 0, r.seq));
  });
  await client.subscribeAsync("sensor-data", { qos: 1 });
  return { client, top };
}

describe("collector into PostgreSQL", { skip: missing || pgMissing }, () => {
  let broker: TestBroker;
  let db: TestPostgres;
  let sql: pg.Client;
  before(async () => {
    broker = await startMosquitto();
    db = await startPostgres();
  });
  after(async () => {
    await sql?.end().catch(() => {});
    await broker?.close();
    await db?.close();
  });

  test("raw counts, gain, both timestamps; through a database restart every seq lands exactly once", async (t) => {
    const watch = await watchSeqs(broker.port);
    t.after(() => watch.client.end(true));
    const collector = runNode(COLLECT, [`mqtt_port=${broker.port}`, "mqtt_client_id=pg-collector", `db=${db.url}`]);
    t.after(() => collector.stop());
    await collector.waitFor(
      /collector: connected .*; writing postgresql:\/\/127\.0\.0\.1:\d+\/postgres table luxflow_readings/,
    );
    const sim = runSim([
      "mqtt_host=127.0.0.1",
      `mqtt_port=${broker.port}`,
      "payload_format=json",
      "sensor_id=lux-9",
      "sample_interval=0.1",
      "mqtt_reconnect_min=0.1",
      "mqtt_reconnect_max=0.3",
      "sim_lux=800",
    ]);
    t.after(() => sim.stop());
    sql = new pg.Client(db.url);
    await sql.connect();
    const end = Date.now() + 20_000;
    while (((await seqsIn(sql)).get("lux-9")?.length ?? 0) < 20) {
      if (Date.now() > end)
        throw new Error(
          `no rows: ${collector.lines.join("\n")}\n${sim.stderr.join("\n")}\n${JSON.stringify([...watch.top])}`,
        );
      await sleep(100);
    }
    await sql.end();
    await db.kill();
    await collector.waitFor(/database connection lost|database .* unavailable/);
    const published = () => watch.top.get("lux-9") ?? 0;
    const down = published();
    await until(() => published() >= down + 10, "10 readings published while the database is down", 10_000);
    await db.restart();
    await collector.waitFor(/database .* is back/);
    const back = published();
    await until(() => published() >= back + 10, "10 readings published after the database is back", 10_000);
    await sim.stop();
    await sleep(300); // the last readings in flight reach the watcher
    sql = new pg.Client(db.url);
    await sql.connect();
    const got = await converged(sql, watch.top);
    assertExactlyOnce(got, watch.top);
    assert.ok(watch.top.get("lux-9")! > 35, `readings flowed through the restart (${watch.top.get("lux-9")})`);
    const row = (await sql.query("SELECT * FROM luxflow_readings WHERE device = 'lux-9' AND seq = 5"))
      .rows[0] as Record<string, unknown>;
    assert.equal(row.sensor_id, "lux-9");
    assert.ok(Math.abs(Number(row.lux) - 800) < 20, `lux ${row.lux}`);
    assert.ok(Number(row.full_count) > 0 && Number(row.ir_count) >= 0, "raw counts");
    assert.match(String(row.gain), /^(low|medium|high|max)$/);
    assert.ok(Number(row.integration_ms) >= 100);
    assert.equal(row.saturated, false);
    assert.ok(Number(row.boot) >= 1);
    assert.ok(
      row.host_time instanceof Date && Math.abs(row.host_time.getTime() - Date.now()) < 120_000,
      "arrival time",
    );
    assert.equal(typeof row.device_ts, "number");
    assert.equal(await collector.stop(), 0);
    assert.ok(
      collector.lines.some((l) => /summary: \d+ message\(s\), \d+ row\(s\) written to postgresql/.test(l)),
      collector.lines.join("\n"),
    );
  });

  test("three collectors in one shared subscription, one killed mid-run: every seq exactly once", async (t) => {
    await sql.query("TRUNCATE luxflow_readings");
    const watch = await watchSeqs(broker.port);
    t.after(() => watch.client.end(true));
    const start = (i: number) =>
      runNode(COLLECT, [
        `mqtt_port=${broker.port}`,
        "mqtt_topic=$share/luxflow/sensor-data",
        `mqtt_client_id=shared-${i}`,
        `db=${db.url}`,
      ]);
    const collectors = [start(1), start(2), start(3)];
    t.after(async () => {
      for (const c of collectors) await c.stop();
    });
    for (const c of collectors) await c.waitFor(/collector: connected/);
    const fleet = new Fleet({
      devices: 12,
      idPrefix: "share-",
      spreadMs: 100,
      sim: {},
      trace: () => {},
      config: {
        ...manifestConfig(new URL("../../../manifest.json", import.meta.url)),
        mqtt_host: "127.0.0.1",
        mqtt_port: String(broker.port),
        payload_format: "json",
        sample_interval: "0.1",
        mqtt_reconnect_min: "0.1",
        mqtt_reconnect_max: "0.5",
        ssid: "luxflow-sim",
        password: "",
      },
    });
    t.after(() => fleet.stop());
    await fleet.start();
    // Paced by readings at the watcher (12 boards at 10 readings/s each), not by time.
    const total = () => [...watch.top.values()].reduce((a, b) => a + b, 0);
    const more = async (n: number, what: string) => {
      const at = total();
      await until(() => total() >= at + n, what, 20_000);
    };
    await more(150, "150 readings before the kill");
    // Killed without a goodbye: its unacknowledged readings stay in its session at the broker.
    collectors[1]!.process.kill("SIGKILL");
    await collectors[1]!.exited;
    await more(150, "150 readings while a collector is dead");
    collectors[1] = start(2);
    await collectors[1].waitFor(/collector: connected .* \(session resumed\)/);
    await more(100, "100 readings after it resumed");
    fleet.stop();
    const got = await converged(sql, watch.top);
    assertExactlyOnce(got, watch.top);
    const sum = total();
    assert.ok(sum > 300, `${sum} readings`);
    for (const c of [collectors[0]!, collectors[2]!]) {
      assert.equal(await c.stop(), 0);
      const summary = c.lines.find((l) => /summary:/.test(l))!;
      const written = Number(/(\d+) row\(s\) written/.exec(summary)![1]);
      assert.ok(written > sum / 6 && written < sum * 0.8, `each collector took a share: ${summary} of ${sum}`);
    }
  });
});
