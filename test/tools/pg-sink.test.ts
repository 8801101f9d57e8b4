// The PostgreSQL sink alone against a real (throwaway) PostgreSQL: batched rows, a
// redelivered reading is one row, a row the database refuses is skipped without its batch,
// and `done` (the MQTT acknowledgement) waits for the commit while the database is away.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import type { ParsedReading } from "../../tools/collector/parse.js";
import { PgSink } from "../../tools/collector/pg-sink.js";
import { postgresMissing, startPostgres, type TestPostgres } from "../helpers/postgres.js";
import { sleep } from "../helpers/wait.js";

const reading = (seq: number, over: Partial<ParsedReading> = {}): ParsedReading => ({
  sensorId: "lux-1",
  deviceTs: 1795355431 + seq,
  value: 100 + seq,
  seq,
  boot: 3,
  deviceId: "lux-1",
  timeSource: "sntp",
  raw: { full: 2394, ir: 479, gain: "medium", integrationMs: 100, saturated: false, calibration: 408.1 },
  ...over,
});

describe("PostgreSQL sink", { skip: postgresMissing() }, () => {
  let db: TestPostgres;
  let sql: pg.Client;
  before(async () => {
    db = await startPostgres();
    sql = new pg.Client(db.url);
    await sql.connect();
  });
  after(async () => {
    await sql?.end().catch(() => {});
    await db?.close();
  });

  test("batches, idempotent rows, and a refused row skipped alone", async (t) => {
    const lines: string[] = [];
    const sink = new PgSink({ url: db.url, table: "t1", batchRows: 50, flushMs: 20, log: (l) => lines.push(l) });
    t.after(() => sink.close());
    await sink.open();
    const results = new Map<number, string | undefined>();
    for (let s = 1; s <= 120; s++) sink.add(reading(s), Date.now(), (r) => results.set(s, r));
    sink.add(reading(7), Date.now(), (r) => results.set(1007, r));
    // A NUL in text is refused by PostgreSQL (SQLSTATE 22021), not by the parser.
    sink.add(
      reading(500, {
        raw: { full: 1, ir: 1, gain: "bad\u0000", integrationMs: 100, saturated: false, calibration: 1 },
      }),
      Date.now(),
      (r) => results.set(500, r),
    );
    sink.add(reading(1, { boot: 4 }), Date.now(), (r) => results.set(2001, r));
    sink.add(reading(2, { boot: 4, deviceTs: 1e300, timeSource: undefined }), Date.now(), (r) => results.set(2002, r));
    assert.ok(await sink.drain());
    assert.equal(results.size, 124);
    assert.match(String(results.get(500)), /invalid byte sequence|0x00/);
    for (const [k, v] of results) if (k !== 500) assert.equal(v, undefined, `row ${k}`);
    const count = await sql.query("SELECT count(*)::int AS n, count(DISTINCT (boot, seq))::int AS d FROM t1");
    assert.deepEqual(count.rows[0], { n: 122, d: 122 }, "120 of boot 3 (seq 7 once), 2 of boot 4");
    assert.ok(sink.stats.batches >= 3 && sink.stats.batches < 60, `${sink.stats.batches} batches`);
    const row = (await sql.query("SELECT * FROM t1 WHERE boot = 3 AND seq = 2")).rows[0] as Record<string, unknown>;
    assert.deepEqual(
      { ...row, host_time: undefined },
      {
        device: "lux-1",
        boot: "3",
        seq: "2",
        sensor_id: "lux-1",
        lux: 102,
        full_count: 2394,
        ir_count: 479,
        gain: "medium",
        integration_ms: 100,
        saturated: false,
        calibration: 408.1,
        device_ts: 1795355433,
        device_time: new Date(1795355433000),
        host_time: undefined,
        time_source: "sntp",
      },
    );
    const huge = (await sql.query("SELECT device_ts, device_time FROM t1 WHERE boot = 4 AND seq = 2")).rows[0];
    assert.deepEqual(
      huge,
      { device_ts: 1e300, device_time: null },
      "a timestamp no date can show is kept as sent, without a time",
    );
  });

  test("while the database is away nothing is acknowledged; after it returns everything is committed once", async (t) => {
    const lines: string[] = [];
    const sink = new PgSink({ url: db.url, table: "t2", batchRows: 10, flushMs: 5, log: (l) => lines.push(l) });
    t.after(() => sink.close());
    await sink.open();
    const done = new Set<number>();
    for (let s = 1; s <= 20; s++) sink.add(reading(s), Date.now(), () => done.add(s));
    assert.ok(await sink.drain());
    await sql.end();
    await db.kill();
    for (let s = 21; s <= 60; s++) sink.add(reading(s), Date.now(), () => done.add(s));
    await sleep(1500); // a window in which an acknowledgement without a commit would show
    assert.equal(done.size, 20, "no acknowledgement without a commit");
    assert.ok(
      lines.some((l) => /database (connection lost|.* unavailable)/.test(l)),
      lines.join("\n"),
    );
    await db.restart();
    assert.ok(await sink.drain(15_000), lines.join("\n"));
    assert.equal(done.size, 60);
    assert.ok(
      lines.some((l) => /is back/.test(l)),
      lines.join("\n"),
    );
    sql = new pg.Client(db.url);
    await sql.connect();
    assert.deepEqual(
      (await sql.query("SELECT count(*)::int AS n, min(seq)::int AS lo, max(seq)::int AS hi FROM t2")).rows[0],
      { n: 60, lo: 1, hi: 60 },
    );
  });
});
