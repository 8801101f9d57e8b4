// PostgreSQL as the collector's sink, through the `pg` driver. One row per reading in a table
// keyed by (device, boot, seq), with the raw counts, gain, integration time and both
// timestamps (the device's and the arrival). Rows are batched: one INSERT … SELECT FROM
// unnest(…) ON CONFLICT DO NOTHING per batch, so a redelivered reading is one row and a
// batch is one round trip and one commit. A row's `done` runs only after its batch is
// committed; the caller acknowledges the PUBLISH then [MQTT-4.3.2-4], so a database that
// goes away loses nothing: the batch is retried on a new connection (the broker keeps the
// rest meanwhile). A batch the database refuses for its data is split and retried row by
// row, so one bad row is skipped and counted, never the batch.
// Readings without a boot count (none, or 0: a board without flash) have boot NULL: NULLs
// never conflict, so such rows are de-duplicated only by the collector in memory.
import pg from "pg";
import type { WrittenSeq } from "./csv.js";
import type { Sink } from "./collector.js";
import type { ParsedReading } from "./parse.js";

export interface PgSinkOptions {
  readonly url: string;
  readonly table: string;
  /** Rows per INSERT at most. */
  readonly batchRows: number;
  /** Wait this long for more rows before a batch is sent (0: send at once). */
  readonly flushMs: number;
  readonly log: (line: string) => void;
}

interface Pending {
  readonly values: unknown[];
  readonly done: (rejected: string | undefined) => void;
}

const COLUMNS = [
  ["device", "text"],
  ["boot", "bigint"],
  ["seq", "bigint"],
  ["sensor_id", "text"],
  ["lux", "float8"],
  ["full_count", "float8"],
  ["ir_count", "float8"],
  ["gain", "text"],
  ["integration_ms", "float8"],
  ["saturated", "bool"],
  ["calibration", "float8"],
  ["device_ts", "float8"],
  ["device_time", "timestamptz"],
  ["host_time", "timestamptz"],
  ["time_source", "text"],
] as const;

export function schema(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
  device text NOT NULL,
  boot bigint,
  seq bigint,
  sensor_id text NOT NULL,
  lux double precision,
  full_count double precision,
  ir_count double precision,
  gain text,
  integration_ms double precision,
  saturated boolean,
  calibration double precision,
  device_ts double precision,
  device_time timestamptz,
  host_time timestamptz NOT NULL,
  time_source text,
  CONSTRAINT ${table}_key UNIQUE (device, boot, seq)
);
CREATE INDEX IF NOT EXISTS ${table}_host_time ON ${table} (host_time);`;
}

/** A SQL identifier the user may name as the table: letters, digits, underscores. */
export function checkTable(table: string): string | undefined {
  return /^[a-z_][a-z0-9_]{0,62}$/.test(table)
    ? undefined
    : `db_table must be a lower-case SQL name (letters, digits, _), got "${table}"`;
}

/** A JavaScript Date can show ±8.64e15 ms (ECMA-262, "Time Values and Time Range"). */
const dateOf = (seconds: number) => (Math.abs(seconds) <= 8.64e12 ? new Date(seconds * 1000) : null);

/** The row's values, in COLUMNS order. */
export function rowValues(r: ParsedReading, hostMs: number): unknown[] {
  const raw = r.raw;
  const unix = r.deviceTs !== null && (r.timeSource === "sntp" || (r.timeSource === undefined && r.deviceTs > 1e9));
  return [
    r.deviceId,
    r.boot === undefined || r.boot === 0 ? null : r.boot,
    r.seq ?? null,
    r.sensorId,
    r.value,
    raw?.full ?? null,
    raw?.ir ?? null,
    raw?.gain ?? null,
    raw?.integrationMs ?? null,
    raw?.saturated ?? null,
    raw?.calibration ?? null,
    r.deviceTs,
    unix ? dateOf(r.deviceTs!) : null,
    new Date(hostMs),
    r.timeSource ?? null,
  ];
}

export function insertSql(table: string): string {
  const names = COLUMNS.map(([n]) => n).join(", ");
  const arrays = COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(", ");
  return `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays}) ON CONFLICT ON CONSTRAINT ${table}_key DO NOTHING`;
}

/** SQLSTATE classes about the data, not the connection: 22 data exception, 23 integrity, 42 syntax/type. */
const dataError = (e: unknown) =>
  typeof (e as { code?: unknown }).code === "string" && /^(22|23|42)/.test((e as { code: string }).code);

export class PgSink implements Sink {
  readonly where: string;
  readonly #o: PgSinkOptions;
  readonly #queue: Pending[] = [];
  readonly #sql: string;
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  #busy = false;
  #timer: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  #backoff = 250;
  #closed = false;
  #problem = "";
  readonly stats = { batches: 0, rows: 0, retries: 0, reconnects: 0 };

  constructor(o: PgSinkOptions) {
    this.#o = o;
    this.#sql = insertSql(o.table);
    const u = new URL(o.url);
    this.where = `postgresql://${u.host}${u.pathname} table ${o.table}`;
  }

  /** Connects and creates the table if need be; rejects if the database cannot be reached now. */
  async open(): Promise<void> {
    await this.#connect();
  }

  recover(): WrittenSeq[] {
    // The table's key does the de-duplication across restarts: nothing to read back.
    return [];
  }

  async #connect(): Promise<pg.Client> {
    if (this.#client !== undefined) return this.#client;
    this.#connecting ??= (async () => {
      const client = new pg.Client({
        connectionString: this.#o.url,
        application_name: "luxflow-collect",
        connectionTimeoutMillis: 5000,
        query_timeout: 30_000,
      });
      client.on("error", (e) => this.#lost(client, e));
      try {
        await client.connect();
        await client.query(schema(this.#o.table));
      } catch (e) {
        client.removeAllListeners("error");
        client.on("error", () => {});
        void client.end().catch(() => {});
        throw e;
      }
      if (this.#problem !== "") this.#o.log(`database ${this.where} is back`);
      this.#problem = "";
      this.#client = client;
      return client;
    })().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  #lost(client: pg.Client, e: Error): void {
    if (this.#client === client) this.#client = undefined;
    client.removeAllListeners("error");
    client.on("error", () => {});
    void client.end().catch(() => {});
    this.#say(`database connection lost (${e.message}); retrying, rows are held until committed`);
  }

  #say(line: string): void {
    if (line !== this.#problem) this.#o.log(line);
    this.#problem = line;
  }

  add(r: ParsedReading, hostMs: number, done: (rejected: string | undefined) => void): void {
    if (this.#closed) throw new Error("the database sink is closed");
    this.#queue.push({ values: rowValues(r, hostMs), done });
    this.#schedule();
  }

  get pending(): number {
    return this.#queue.length;
  }

  #schedule(): void {
    if (this.#busy || this.#retry !== undefined || this.#queue.length === 0) return;
    if (this.#queue.length >= this.#o.batchRows || this.#o.flushMs === 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      void this.#flush();
    } else {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        void this.#flush();
      }, this.#o.flushMs);
    }
  }

  async #insert(client: pg.Client, batch: Pending[]): Promise<void> {
    const columns = COLUMNS.map((_, i) => batch.map((p) => p.values[i]));
    await client.query(this.#sql, columns);
  }

  async #flush(): Promise<void> {
    if (this.#busy || this.#queue.length === 0) return;
    this.#busy = true;
    const batch = this.#queue.slice(0, this.#o.batchRows);
    try {
      const client = await this.#connect();
      try {
        await this.#insert(client, batch);
      } catch (e) {
        if (!dataError(e)) throw e;
        // One row the database refuses must not hold up the others: row by row.
        for (const p of batch) {
          try {
            await this.#insert(client, [p]);
          } catch (single) {
            if (!dataError(single)) throw single;
            (p as { rejected?: string }).rejected = (single as Error).message;
          }
        }
      }
      this.#queue.splice(0, batch.length);
      this.#backoff = 250;
      this.stats.batches++;
      this.stats.rows += batch.length;
      for (const p of batch) p.done((p as { rejected?: string }).rejected);
    } catch (e) {
      // The database or the connection failed: keep the batch, try again on a new connection.
      const c = this.#client;
      if (c !== undefined) this.#lost(c, e as Error);
      else
        this.#say(
          `database ${this.where} unavailable (${(e as Error).message}); retrying, rows are held until committed`,
        );
      this.stats.retries++;
      this.#retry = setTimeout(() => {
        this.#retry = undefined;
        this.stats.reconnects++;
        this.#schedule();
      }, this.#backoff);
      this.#backoff = Math.min(this.#backoff * 2, 5000);
    } finally {
      this.#busy = false;
    }
    if (!this.#closed || this.#queue.length > 0) this.#schedule();
  }

  /** Waits until every row added so far is committed (or `ms` pass). */
  async drain(ms = 10_000): Promise<boolean> {
    const end = Date.now() + ms;
    while (this.#queue.length > 0 || this.#busy) {
      if (Date.now() > end) return false;
      await new Promise((r) => setTimeout(r, 10));
    }
    return true;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#retry);
    this.#retry = undefined;
    const c = this.#client;
    this.#client = undefined;
    if (c !== undefined) {
      c.removeAllListeners("error");
      c.on("error", () => {});
      await c.end().catch(() => {});
    }
  }
}
