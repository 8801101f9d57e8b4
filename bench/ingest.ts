// Ingest benchmark: the fleet simulator (N boards at one reading per second, json, QoS 1)
// → mosquitto → 1, 2 or 4 collector processes (the real `luxflow-collect`, sharing the
// stream through `$share/<run>/sensor-data` when more than one) → PostgreSQL (a throwaway
// Debian cluster with fsync and synchronous_commit on, as shipped) or CSV files. Per run:
// rows/s stored, the share of the window's readings stored, and the latency from each
// reading's sample (at the board's clock, bench/fleet-probe.ts) to its row: the commit time
// of the row's transaction (track_commit_timestamp) for PostgreSQL, the arrival time the
// collector writes in the same synchronous append for CSV. Then a backlog queued at the
// broker, drained as fast as the collectors go, and, as the ceiling, PostgreSQL's own COPY
// of the same rows into a table of the same shape, with the ratios printed.
// Run: npm run bench:ingest [-- sizes=2000,3000 collectors=1,2,4 window=15 burst=40000]
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as mqttConnect } from "mqtt";
import pg from "pg";
import { startMosquitto, type TestBroker } from "../host-sim/faults/brokers.js";
import { Fleet } from "../host-sim/fleet/fleet.js";
import { manifestConfig } from "../host-sim/options.js";
import { startPostgres, type TestPostgres } from "../test/helpers/postgres.js";
import { schema } from "../tools/collector/pg-sink.js";
import { hostNow, ProbeClock } from "./fleet-probe.js";
import { sleep } from "../test/helpers/wait.js";

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]),
);
const SIZES = (args.sizes ?? "2000,3000")
  .split(",")
  .filter((x) => x !== "")
  .map(Number);
const COLLECTORS = (args.collectors ?? "1,2,4").split(",").map(Number);
const WINDOW_S = Number(args.window ?? 15);
const BURST = Number(args.burst ?? 40_000);
const WARMUP_MS = 4000;
const GRACE_MS = 4000;
const TABLE = "luxflow_readings";
const COLLECT = new URL("../tools/collect.js", import.meta.url).pathname;

interface Row {
  store: string;
  n: number;
  c: number;
  rate: number;
  stored: number;
  p50: number;
  p99: number;
  max: number;
  collectorCpu: number;
  ok: boolean;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");

/** CPU seconds a process has used (/proc/<pid>/stat utime + stime, 100 ticks a second). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

interface Collectors {
  children: ChildProcess[];
  stop(): Promise<void>;
}

async function collectors(c: number, port: number, run: string, store: string[]): Promise<Collectors> {
  const children: ChildProcess[] = [];
  const ready: Promise<void>[] = [];
  for (let i = 1; i <= c; i++) {
    // A group of its own per run: a persistent member left from an earlier run would keep
    // receiving its share into its offline session.
    const topic = c > 1 ? `$share/${run}/sensor-data` : "sensor-data";
    const child = spawn(
      process.execPath,
      [
        COLLECT,
        `mqtt_port=${port}`,
        `mqtt_topic=${topic}`,
        `mqtt_client_id=bench-${run}-${i}`,
        "mqtt_clean=1",
        "timestamps=host",
        ...store.map((s) => s.replace("{i}", String(i))),
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    children.push(child);
    ready.push(
      new Promise((resolve, reject) => {
        let text = "";
        child.stderr!.setEncoding("utf8").on("data", (d: string) => {
          text += d;
          if (/collector: subscribed/.test(text)) resolve();
          if (/cannot|unavailable|lost/.test(d)) process.stderr.write(d);
        });
        child.once("exit", (code) => reject(new Error(`collector ${i} exited ${code}: ${text}`)));
      }),
    );
  }
  await Promise.all(ready);
  return {
    children,
    stop: async () => {
      await Promise.all(
        children.map(
          (ch) =>
            new Promise<void>((resolve) => {
              if (ch.exitCode !== null) return resolve();
              ch.once("exit", () => resolve());
              ch.kill("SIGTERM");
            }),
        ),
      );
    },
  };
}

/** N boards with probed sample times; samples[id][seq] = host ms (hostNow) when recording. */
async function fleetOf(n: number, port: number) {
  const clocks: ProbeClock[] = [];
  const byId = new Map<string, ProbeClock>();
  const fleet = new Fleet({
    devices: n,
    idPrefix: "lux-",
    spreadMs: 1000,
    sim: {},
    trace: () => {},
    config: {
      ...manifestConfig(new URL("../../manifest.json", import.meta.url)),
      mqtt_host: "127.0.0.1",
      mqtt_port: String(port),
      payload_format: "json",
      sample_interval: "1",
      ssid: "luxflow-sim",
      password: "",
    },
    clock: () => {
      const c = new ProbeClock();
      clocks.push(c);
      return c;
    },
    started: (member) => {
      const clock = member.board.clock as ProbeClock;
      clock.app = member.app;
      byId.set(member.id, clock);
    },
  });
  await fleet.start();
  return {
    fleet,
    byId,
    setRecording: (on: boolean) => {
      for (const c of clocks) c.recording = on;
    },
  };
}

/** Latencies (ms) and count of the window's readings found in `stored` ([device, seq, stored-at epoch ms]). */
function judge(
  byId: Map<string, ProbeClock>,
  from: number,
  to: number,
  stored: Iterable<[string, number, number]>,
  offset: number,
) {
  const latencies: number[] = [];
  for (const [device, seq, at] of stored) {
    const sample = byId.get(device)?.samples.get(seq);
    if (sample === undefined || sample[0] < from || sample[0] >= to) continue;
    latencies.push(at - (sample[0] + offset));
  }
  let taken = 0;
  for (const c of byId.values()) for (const [t0] of c.samples.values()) if (t0 >= from && t0 < to) taken++;
  return { latencies: latencies.sort((a, b) => a - b), taken };
}

async function run(
  store: "postgres" | "csv",
  n: number,
  c: number,
  broker: TestBroker,
  db: TestPostgres,
  sql: pg.Client,
  dir: string,
): Promise<Row> {
  if (store === "postgres") await sql.query(`TRUNCATE ${TABLE}`);
  const runId = `${store}-${n}-${c}-${Date.now() % 100000}`;
  const files = join(dir, `${runId}-{i}.csv`);
  const cs = await collectors(c, broker.port, runId, store === "postgres" ? [`db=${db.url}`] : [`out=${files}`]);
  const fl = await fleetOf(n, broker.port);
  const end = Date.now() + 60_000;
  while (fl.fleet.connected < n && Date.now() < end) await sleep(100);
  await sleep(WARMUP_MS);
  const cpu0 = cs.children.reduce((a, ch) => a + cpuSeconds(ch.pid!), 0);
  const from = hostNow();
  fl.setRecording(true);
  await sleep(WINDOW_S * 1000);
  fl.setRecording(false);
  const to = hostNow();
  const cpu = ((cs.children.reduce((a, ch) => a + cpuSeconds(ch.pid!), 0) - cpu0) / ((to - from) / 1000)) * 100;
  await sleep(GRACE_MS);
  fl.fleet.stop();
  await cs.stop();
  const offset = Date.now() - hostNow();
  let stored: [string, number, number][] = [];
  if (store === "postgres") {
    const r = await sql.query<{ device: string; seq: string; at: number }>(
      `SELECT device, seq, (extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000)::float8 AS at FROM ${TABLE}`,
    );
    stored = r.rows.map((x) => [x.device, Number(x.seq), x.at]);
  } else {
    for (let i = 1; i <= c; i++) {
      for (const line of readFileSync(files.replace("{i}", String(i)), "utf8")
        .split("\n")
        .slice(1)) {
        const cells = line.split(",");
        if (cells.length >= 8) stored.push([cells[6]!, Number(cells[5]), Number(cells[0]) * 1000]);
      }
    }
  }
  const { latencies, taken } = judge(fl.byId, from, to, stored, offset);
  const share = taken === 0 ? 0 : latencies.length / taken;
  const row: Row = {
    store,
    n,
    c,
    rate: (latencies.length / (to - from)) * 1000,
    stored: share,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? NaN,
    collectorCpu: cpu,
    ok: false,
  };
  row.ok = share >= 0.999 && row.rate >= 0.98 * n && row.p99 < 250;
  return row;
}

/**
 * A backlog drained as fast as the collectors go: they subscribe on persistent sessions and
 * stop, BURST readings are queued at the broker for them [MQTT-3.1.2-5], and they start
 * again; rows/s from the first stored row to the last.
 */
async function burst(
  store: "postgres" | "csv",
  c: number,
  broker: TestBroker,
  db: TestPostgres,
  sql: pg.Client,
  dir: string,
): Promise<{ rate: number; rows: number }> {
  if (store === "postgres") await sql.query(`TRUNCATE ${TABLE}`);
  const runId = `burst-${store}-${c}-${Date.now() % 100000}`;
  const files = join(dir, `${runId}-{i}.csv`);
  const keys = [...(store === "postgres" ? [`db=${db.url}`] : [`out=${files}`]), "mqtt_clean=0"];
  const subscribed = await collectors(c, broker.port, runId, keys);
  await subscribed.stop();
  // Let the broker finish with the sessions going offline before readings are queued for them.
  await sleep(1000);
  const pub = mqttConnect({
    host: "127.0.0.1",
    port: broker.port,
    protocolVersion: 4,
    clean: true,
    clientId: `burst-${runId}`,
  });
  await new Promise<void>((resolve) => pub.once("connect", () => resolve()));
  const t0 = Date.now();
  const devices = 2000;
  let acked = 0;
  await new Promise<void>((resolve) => {
    for (let k = 0; k < BURST; k++) {
      const id = `b-${(k % devices) + 1}`;
      const seq = Math.floor(k / devices) + 1;
      pub.publish(
        "sensor-data",
        `{"sensor_id":"${id}","ts":${Math.floor(t0 / 1000)},"val":250.0123,"seq":${seq},"boot":1,"full":2394,"ir":479,"gain":"medium","integration_ms":100,"saturated":false,"calibration":408.1,"time_source":"sntp"}`,
        { qos: 1 },
        () => {
          if (++acked === BURST) resolve();
        },
      );
    }
  });
  pub.end(true);
  const cs = await collectors(c, broker.port, runId, keys);
  let rows = 0;
  let first = 0;
  let last = 0;
  const end = Date.now() + 120_000;
  for (;;) {
    if (store === "postgres") {
      const r = await sql.query<{ n: number; lo: number; hi: number }>(
        `SELECT count(*)::int AS n, (extract(epoch FROM min(pg_xact_commit_timestamp(xmin))) * 1000)::float8 AS lo, (extract(epoch FROM max(pg_xact_commit_timestamp(xmin))) * 1000)::float8 AS hi FROM ${TABLE}`,
      );
      ({ n: rows, lo: first, hi: last } = r.rows[0]!);
    } else {
      rows = 0;
      first = Infinity;
      last = -Infinity;
      for (let i = 1; i <= c; i++) {
        for (const line of readFileSync(files.replace("{i}", String(i)), "utf8")
          .split("\n")
          .slice(1)) {
          if (line === "") continue;
          const at = Number(line.slice(0, line.indexOf(","))) * 1000;
          rows++;
          if (at < first) first = at;
          if (at > last) last = at;
        }
      }
    }
    if (rows >= BURST || Date.now() > end) break;
    await sleep(250);
  }
  await cs.stop();
  return { rate: rows / ((last - first) / 1000), rows };
}

/** PostgreSQL's own COPY of the rows now in the table into an empty table of the same shape (best of 3), rows/s. */
async function copyCeiling(sql: pg.Client, dir: string): Promise<{ rate: number; rows: number }> {
  const file = join(dir, "rows.copy");
  await sql.query(`COPY ${TABLE} TO '${file}'`);
  let best = 0;
  let rows = 0;
  for (let k = 0; k < 3; k++) {
    await sql.query("DROP TABLE IF EXISTS copy_ceiling");
    await sql.query(`CREATE TABLE copy_ceiling (LIKE ${TABLE} INCLUDING ALL)`);
    const t0 = performance.now();
    const r = await sql.query(`COPY copy_ceiling FROM '${file}'`);
    const ms = performance.now() - t0;
    rows = r.rowCount ?? 0;
    best = Math.max(best, (rows / ms) * 1000);
  }
  return { rate: best, rows };
}

const dir = mkdtempSync(join(tmpdir(), "luxflow-ingest-"));
chmodSync(dir, 0o777);
const broker = await startMosquitto();
const db = await startPostgres({ durable: true, settings: ["track_commit_timestamp=on", "max_wal_size=1GB"] });
const sql = new pg.Client(db.url);
await sql.connect();
await sql.query(schema(TABLE));
console.log(
  `ingest: fleet boards at 1 reading/s → mosquitto → collectors → PostgreSQL (fsync on) or CSV; ${WINDOW_S} s windows; goal at 2000 boards: p99 sample→row < 250 ms`,
);
console.log("  store     boards coll   rows/s  stored   p50 ms   p99 ms   max ms  collectors' cpu (100 % = 1 core)");
const rows: Row[] = [];
for (const n of SIZES) {
  let held = false;
  for (const c of COLLECTORS) {
    for (const store of ["postgres", "csv"] as const) {
      const r = await run(store, n, c, broker, db, sql, dir);
      rows.push(r);
      held ||= r.ok;
      console.log(
        `  ${r.store.padEnd(9)} ${String(n).padStart(6)} ${String(c).padStart(4)} ${f(r.rate).padStart(8)} ${f(r.stored * 100, 2).padStart(6)} % ${f(r.p50).padStart(8)} ${f(r.p99).padStart(8)} ${f(r.max).padStart(8)}  ${f(r.collectorCpu).padStart(5)} %  ${r.ok ? "holds" : "FAILS"}`,
      );
    }
  }
  if (!held) break;
}
console.log(
  `backlog: ${BURST} readings queued at the broker, then drained by the collectors; rows/s from the first stored row to the last:`,
);
const drained: { store: string; c: number; rate: number }[] = [];
for (const c of COLLECTORS) {
  for (const store of ["postgres", "csv"] as const) {
    const b = await burst(store, c, broker, db, sql, dir);
    drained.push({ store, c, rate: b.rate });
    console.log(
      `  ${store.padEnd(9)} ${c} collector(s): ${f(b.rate, 0)} rows/s (${b.rows} of ${BURST} rows${b.rows < BURST ? " within 120 s: NOT ALL DELIVERED" : ""})`,
    );
  }
}
// The table now holds the last PostgreSQL backlog's rows: COPY them, the ceiling.
const ceiling = await copyCeiling(sql, dir);
console.log(
  `COPY of the same ${ceiling.rows} rows into an empty table of the same shape: ${f(ceiling.rate, 0)} rows/s (the ceiling)`,
);
for (const d of drained.filter((x) => x.store === "postgres"))
  console.log(
    `  backlog into PostgreSQL, ${d.c} collector(s): ${f(d.rate / ceiling.rate, 3)} of COPY's rate (COPY ${f(ceiling.rate / d.rate, 2)}x faster)`,
  );
for (const r of rows.filter((x) => x.store === "postgres"))
  console.log(
    `  ${r.n} boards, ${r.c} collector(s): the offered ${f(r.rate, 0)} rows/s is ${f(r.rate / ceiling.rate, 3)} of COPY's rate`,
  );
const biggest = rows.filter((r) => r.store === "postgres" && r.ok).sort((a, b) => b.n - a.n || a.p99 - b.p99)[0];
console.log(
  `largest fleet that holds into PostgreSQL (>= 99.9 % stored, p99 < 250 ms): ${biggest ? `${biggest.n} boards (${biggest.c} collector(s), p99 ${f(biggest.p99)} ms)` : "none"}`,
);
await sql.end();
await broker.close();
await db.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
