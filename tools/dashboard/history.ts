// The dashboard's view of the collector's PostgreSQL table (tools/collector/pg-sink.ts): the
// last hour of readings per sensor, newest `perDevice` of each, for a page that opens after
// the readings arrived. A database that is away costs the history, never the live page.
import pg from "pg";
import type { Point } from "./model.js";

export class History {
  readonly #pool: pg.Pool;
  #problem = "";

  constructor(
    url: string,
    private readonly table: string,
    private readonly perDevice: number,
    private readonly log: (line: string) => void,
  ) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table))
      throw new Error(`db_table must be a lower-case SQL name (letters, digits, _), got "${table}"`);
    this.#pool = new pg.Pool({
      connectionString: url,
      max: 2,
      application_name: "luxflow-dashboard",
      connectionTimeoutMillis: 3000,
      query_timeout: 10_000,
    });
    this.#pool.on("error", () => {});
  }

  async lastHour(): Promise<Map<string, Point[]>> {
    const out = new Map<string, Point[]>();
    try {
      const r = await this.#pool.query<{
        sensor_id: string;
        at: number;
        ts: number | null;
        val: number | null;
        seq: string | null;
      }>(
        `SELECT sensor_id, extract(epoch FROM host_time) * 1000 AS at, device_ts AS ts, lux AS val, seq FROM (
           SELECT *, row_number() OVER (PARTITION BY sensor_id ORDER BY host_time DESC) AS n FROM ${this.table} WHERE host_time > now() - interval '1 hour'
         ) recent WHERE n <= $1 ORDER BY host_time`,
        [this.perDevice],
      );
      for (const row of r.rows) {
        let points = out.get(row.sensor_id);
        if (points === undefined) out.set(row.sensor_id, (points = []));
        points.push({
          at: Number(row.at),
          ts: row.ts,
          val: row.val,
          seq: row.seq === null ? undefined : Number(row.seq),
        });
      }
      this.#problem = "";
    } catch (e) {
      const message = `history from the database unavailable: ${(e as Error).message}`;
      if (message !== this.#problem) this.log(message);
      this.#problem = message;
    }
    return out;
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}
