// The collector's core, without MQTT: each message in, at most one stored row out, and one
// log line for anything a user should know (a gap, a late reading, a duplicate dropped, a
// far-off seq, a device restart, a malformed payload or a row that cannot be stored). It
// never throws on bad input. Rows go to a Sink: the CSV file (csv-sink.ts) or PostgreSQL
// (pg-sink.ts); `ack` is called once the row is stored or skipped for good, which is when
// the caller may acknowledge the PUBLISH [MQTT-4.3.2-4].
import { CsvFile, type CsvFileOptions } from "./csv-file.js";
import { csvRow, RowError, type WrittenSeq } from "./csv.js";
import { excerpt, parseReading, type ParsedReading } from "./parse.js";
import { SequenceTracker, type Verdict } from "./sequence.js";

/**
 * Where rows go. `add` calls `done(undefined)` once the row is stored, `done(reason)` when it never can be; it throws
 * (storing nothing) for a failure worth retrying.
 */
export interface Sink {
  readonly where: string;
  recover(): WrittenSeq[];
  add(reading: ParsedReading, hostMs: number, done: (rejected: string | undefined) => void): void;
  close(): Promise<void> | void;
}

export interface CollectorOptions {
  readonly sink: Sink;
  readonly now: () => number;
  readonly log: (line: string) => void;
  /** One of several collectors on a shared subscription: gaps are not judged from a share of the stream. */
  readonly shared?: boolean;
}

/**
 * The CSV file as a sink; `timestamps` picks the first column: "host" (arrival, as ThingFlow's server.py) or "device".
 */
export function csvSink(options: CsvFileOptions & { readonly timestamps: "host" | "device" }): Sink {
  const file = new CsvFile(options);
  return {
    where: file.path,
    recover: () => file.recover(),
    add(r, hostMs, done) {
      let row: string;
      try {
        const device = options.timestamps === "device" && r.deviceTs !== null ? r.deviceTs : Math.round(hostMs) / 1000;
        row = csvRow(r, device);
      } catch (error) {
        if (error instanceof RowError) return done(error.message);
        throw error;
      }
      file.append(row);
      done(undefined);
    },
    close: () => file.close(),
  };
}

/** A collector into a CSV file, the default. */
export type CsvCollectorOptions = CsvFileOptions &
  Omit<CollectorOptions, "sink"> & { readonly timestamps: "host" | "device" };

export class Collector {
  readonly #o: CollectorOptions;
  readonly seqs = new SequenceTracker();
  readonly totals = { messages: 0, rows: 0, malformed: 0, duplicates: 0, unwritable: 0, pending: 0 };
  /** Readings handed to the sink and not yet stored, by key: the acks of their redeliveries wait for them. */
  readonly #inFlight = new Map<string, (() => void)[]>();

  constructor(given: CollectorOptions | CsvCollectorOptions) {
    const options: CollectorOptions = "sink" in given ? given : { ...given, sink: csvSink(given) };
    this.#o = options;
    const recovered = options.sink.recover();
    const devices = new Set<string>();
    for (const w of recovered) {
      this.seqs.resume(w.device, w.seq, w.boot);
      devices.add(w.device);
    }
    if (devices.size > 0) options.log(`resuming ${options.sink.where}: seqs recovered for ${devices.size} device(s)`);
  }

  /**
   * One message from the readings topic; `ack` once it is stored or skipped. Throws only when the sink fails (nothing
   * stored; call again later).
   */
  handle(topic: string, payload: Uint8Array, ack: () => void = () => {}): void {
    this.totals.messages++;
    const text = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString("utf8");
    const parsed = parseReading(text, topic);
    if (!parsed.ok) {
      if (parsed.ignore !== true) {
        this.totals.malformed++;
        this.#o.log(`malformed payload on ${topic} skipped (${parsed.reason}): ${excerpt(text)}`);
      }
      return ack();
    }
    const r = parsed.reading;
    const key = r.seq === undefined ? undefined : `${r.deviceId}\u0000${r.boot ?? ""}\u0000${r.seq}`;
    if (r.seq !== undefined && this.seqs.seen(r.deviceId, r.seq, r.boot)) {
      this.seqs.observe(r.deviceId, r.seq, r.boot);
      this.totals.duplicates++;
      this.#o.log(`${r.deviceId}: duplicate seq ${r.seq} dropped`);
      // A redelivery of a reading not yet stored is acknowledged when the reading is.
      const waiting = key === undefined ? undefined : this.#inFlight.get(key);
      return waiting === undefined ? ack() : void waiting.push(ack);
    }
    this.totals.pending++;
    if (key !== undefined) this.#inFlight.set(key, []);
    try {
      this.#o.sink.add(r, this.#o.now(), (rejected) => {
        this.totals.pending--;
        if (rejected === undefined) this.totals.rows++;
        else {
          this.totals.unwritable++;
          this.#o.log(`${r.deviceId}: reading skipped (cannot be written: ${rejected}): ${excerpt(text)}`);
        }
        const waiting = key === undefined ? undefined : this.#inFlight.get(key);
        if (key !== undefined) this.#inFlight.delete(key);
        ack();
        for (const w of waiting ?? []) w();
      });
    } catch (error) {
      this.totals.pending--;
      this.totals.messages--;
      if (key !== undefined) this.#inFlight.delete(key);
      throw error;
    }
    if (r.seq !== undefined) this.#report(r, this.seqs.observe(r.deviceId, r.seq, r.boot));
    else this.seqs.count(r.deviceId);
  }

  #report(r: ParsedReading, v: Verdict): void {
    const log = this.#o.log;
    const quiet = this.#o.shared === true;
    switch (v.kind) {
      case "gap":
        if (!quiet)
          log(
            `${r.deviceId}: gap: ${v.to - v.from + 1} reading(s) missing, seq ${v.from === v.to ? v.from : `${v.from}-${v.to}`}`,
          );
        break;
      case "late":
        if (!quiet) log(`${r.deviceId}: seq ${r.seq} arrived late (fills an earlier gap)`);
        break;
      case "far":
        if (!quiet)
          log(
            `${r.deviceId}: seq ${r.seq} is far from seq ${v.last} (spoofed, corrupt, or the board was away long): written, and the run stays at ${v.last} unless seq ${r.seq! + 1} follows`,
          );
        break;
      case "moved":
        if (!quiet)
          log(`${r.deviceId}: seq ${v.to - 1} and ${v.to} follow each other: the run moves on from seq ${v.from}`);
        break;
      case "restart":
        log(
          `${r.deviceId}: device restarted (${v.boot === undefined ? "" : `boot ${v.boot}, `}seq back to 1 after ${v.after})` +
            (v.missing > 0
              ? `; ${v.missing} reading(s) of the new boot missing, seq ${v.missing === 1 ? 1 : `1-${v.missing}`}`
              : ""),
        );
        break;
      case "earlier_boot":
        if (!quiet) log(`${r.deviceId}: seq ${r.seq} of earlier boot ${v.boot} arrived late (written)`);
        break;
    }
  }

  /** The summary printed on exit: totals, then one line per device. */
  summary(): string[] {
    const t = this.totals;
    const lines = [
      `summary: ${t.messages} message(s), ${t.rows} row(s) written to ${this.#o.sink.where}, ${t.duplicates} duplicate(s) dropped, ${t.malformed} malformed, ${t.unwritable} unwritable` +
        (this.#o.shared ? " (a shared subscription: this collector saw its share of each device)" : ""),
    ];
    for (const [id, c] of this.seqs.devices()) {
      lines.push(
        `  ${id}: ${c.rows} row(s), ${c.gaps} gap(s) with ${c.missing} reading(s) still missing, ${c.late} late, ${c.duplicates} duplicate(s), ${c.restarts} restart(s)` +
          (c.far > 0 ? `, ${c.far} far-off seq(s)` : ""),
      );
    }
    return lines;
  }

  close(): Promise<void> | void {
    return this.#o.sink.close();
  }
}
