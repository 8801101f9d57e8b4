// The collector's core, without MQTT: each message in, at most one CSV row out, and one log
// line for anything a user should know (a gap, a late reading, a duplicate dropped, a
// device restart, a malformed payload skipped). It never throws on bad input.
import { CsvFile, type CsvFileOptions } from "./csv-file.js";
import { csvRow } from "./csv.js";
import { excerpt, parseReading } from "./parse.js";
import { SequenceTracker } from "./sequence.js";

export interface CollectorOptions extends CsvFileOptions {
  /** "host": the timestamp column is the arrival time (as ThingFlow's server.py); "device": the device's. */
  readonly timestamps: "host" | "device";
  readonly log: (line: string) => void;
}

export class Collector {
  readonly #o: CollectorOptions;
  readonly #file: CsvFile;
  readonly seqs = new SequenceTracker();
  readonly totals = { messages: 0, rows: 0, malformed: 0, duplicates: 0 };

  constructor(options: CollectorOptions) {
    this.#o = options;
    this.#file = new CsvFile(options);
    const recovered = this.#file.recover();
    for (const [device, last] of recovered) this.seqs.resume(device, last.seq, last.boot);
    if (recovered.size > 0) options.log(`resuming ${options.path}: last seq recovered for ${recovered.size} device(s)`);
  }

  /** One message from the readings topic. Throws only when the file cannot be written. */
  handle(topic: string, payload: Uint8Array): void {
    this.totals.messages++;
    const text = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString("utf8");
    const parsed = parseReading(text);
    if (!parsed.ok) {
      this.totals.malformed++;
      this.#o.log(`malformed payload on ${topic} skipped (${parsed.reason}): ${excerpt(text)}`);
      return;
    }
    const r = parsed.reading;
    if (r.seq !== undefined) {
      const v = this.seqs.observe(r.deviceId, r.seq, r.boot);
      switch (v.kind) {
        case "gap":
          this.#o.log(`${r.deviceId}: gap: ${v.to - v.from + 1} reading(s) missing, seq ${v.from === v.to ? v.from : `${v.from}-${v.to}`}`);
          break;
        case "late":
          this.#o.log(`${r.deviceId}: seq ${r.seq} arrived late (fills an earlier gap)`);
          break;
        case "restart":
          this.#o.log(`${r.deviceId}: device restarted (${v.boot === undefined ? "" : `boot ${v.boot}, `}seq back to 1 after ${v.after})` +
            (v.missing > 0 ? `; ${v.missing} reading(s) of the new boot missing, seq ${v.missing === 1 ? 1 : `1-${v.missing}`}` : ""));
          break;
        case "earlier_boot":
          this.#o.log(`${r.deviceId}: seq ${r.seq} of earlier boot ${v.boot} arrived late (written; not checked)`);
          break;
        case "duplicate":
          this.totals.duplicates++;
          this.#o.log(`${r.deviceId}: duplicate seq ${r.seq} dropped`);
          return;
      }
    } else {
      this.seqs.count(r.deviceId);
    }
    const host = Math.round(this.#o.now()) / 1000;
    this.#file.append(csvRow(r, this.#o.timestamps === "host" ? host : r.deviceTs));
    this.totals.rows++;
  }

  /** The summary printed on exit: totals, then one line per device. */
  summary(): string[] {
    const t = this.totals;
    const lines = [`summary: ${t.messages} message(s), ${t.rows} row(s) written to ${this.#file.path}, ${t.duplicates} duplicate(s) dropped, ${t.malformed} malformed`];
    for (const [id, c] of this.seqs.devices()) {
      lines.push(`  ${id}: ${c.rows} row(s), ${c.gaps} gap(s) with ${c.missing} reading(s) still missing, ${c.late} late, ${c.duplicates} duplicate(s), ${c.restarts} restart(s)`);
    }
    return lines;
  }

  get rotated(): readonly string[] {
    return this.#file.rotated;
  }

  close(): void {
    this.#file.close();
  }
}
