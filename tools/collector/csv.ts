// CSV rows: ThingFlow's server.py columns first (timestamp, datetime, sensor_id, value), then
// what this project adds (device timestamp, sequence number, device id, boot count). RFC 4180
// quoting. An empty field is a value the payload did not carry. A text cell that a
// spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return) gets
// a leading apostrophe and quotes, as OWASP's "CSV Injection" guidance says; reading the file
// back strips the apostrophe again. Pure; the file handling is in csv-file.ts.
import type { ParsedReading } from "./parse.js";

export const HEADER = "timestamp,datetime,sensor_id,value,device_ts,seq,device_id,boot";

/** A reading that cannot become a row (say, a timestamp no date can show): skipped, never retried. */
export class RowError extends Error {
  override name = "RowError";
}

const FORMULA = /^[=+\-@\t\r]/;

function field(s: string): string {
  if (FORMULA.test(s)) return `"'${s.replace(/"/g, '""')}"`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A text cell as it was before field() neutralised it. */
export function unneutralise(cell: string): string {
  return cell.startsWith("'") && FORMULA.test(cell.slice(1)) ? cell.slice(1) : cell;
}

/** The latest date ECMAScript can show (±8.64e15 ms, ECMA-262 "Time Values and Time Range"), in seconds. */
const MAX_SECONDS = 8.64e12;

/**
 * `timestamp` in seconds: the host's arrival time or the device's, as chosen. Throws RowError when no date can show it.
 */
export function csvRow(r: ParsedReading, timestamp: number): string {
  if (!(Math.abs(timestamp) <= MAX_SECONDS)) throw new RowError(`timestamp ${timestamp} is not a date`);
  const datetime = new Date(timestamp * 1000).toISOString();
  const value = r.value === null ? "" : String(r.value);
  return [
    String(timestamp),
    datetime,
    field(r.sensorId),
    value,
    r.deviceTs === null ? "" : String(r.deviceTs),
    r.seq === undefined ? "" : String(r.seq),
    field(r.deviceId),
    r.boot === undefined ? "" : String(r.boot),
  ].join(",");
}

/** Splits one CSV line into fields (RFC 4180 quoting); undefined for a torn line. */
export function splitCsv(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let s = "";
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return undefined;
        s += line.slice(i, q);
        if (line[q + 1] === '"') {
          s += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(s);
    } else {
      const c = line.indexOf(",", i);
      out.push(line.slice(i, c < 0 ? undefined : c));
      if (c < 0) return out;
      i = c;
    }
    if (i >= line.length) return out;
    if (line[i] !== ",") return undefined;
    i++;
  }
}

export interface WrittenSeq {
  readonly device: string;
  readonly seq: number;
  readonly boot: number | undefined;
}

/**
 * The (device, boot, seq) of each row with a seq, in file order, from the tail of a CSV file
 * (whole lines only: the first line of a tail and a torn last line are skipped).
 */
export function writtenSeqs(tail: string, skipFirstLine: boolean): WrittenSeq[] {
  const lines = tail.split("\n");
  if (skipFirstLine) lines.shift();
  if (!tail.endsWith("\n")) lines.pop();
  const out: WrittenSeq[] = [];
  for (const line of lines) {
    const f = splitCsv(line.replace(/\r$/, ""));
    if (f === undefined || f.length < 7 || f[0] === "timestamp") continue;
    const seq = Number(f[5]);
    const boot = f[7] === undefined || f[7] === "" ? undefined : Number(f[7]);
    if (f[5] !== "" && Number.isSafeInteger(seq) && seq >= 1)
      out.push({ device: unneutralise(f[6]!), seq, boot: Number.isSafeInteger(boot) ? boot : undefined });
  }
  return out;
}

/** The last seq (and boot) written per device in a tail (later rows win). */
export function lastSeqs(tail: string, skipFirstLine: boolean): Map<string, { seq: number; boot: number | undefined }> {
  const seqs = new Map<string, { seq: number; boot: number | undefined }>();
  for (const w of writtenSeqs(tail, skipFirstLine)) seqs.set(w.device, { seq: w.seq, boot: w.boot });
  return seqs;
}
