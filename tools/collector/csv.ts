// CSV rows: ThingFlow's server.py columns first (timestamp, datetime, sensor_id, value), then
// what this project adds (device timestamp, sequence number, device id, boot count). RFC 4180
// quoting. An empty field is a value the payload did not carry.
// Pure; the file handling is in csv-file.ts.
import type { ParsedReading } from "./parse.js";

export const HEADER = "timestamp,datetime,sensor_id,value,device_ts,seq,device_id,boot";

function field(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `timestamp` in seconds: the host's arrival time or the device's, as chosen. */
export function csvRow(r: ParsedReading, timestamp: number): string {
  const datetime = new Date(timestamp * 1000).toISOString();
  const value = r.value === null ? "" : String(r.value);
  return [String(timestamp), datetime, field(r.sensorId), value, String(r.deviceTs), r.seq === undefined ? "" : String(r.seq), field(r.deviceId), r.boot === undefined ? "" : String(r.boot)].join(",");
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

/**
 * The last seq (and boot) written per device, from the tail of a CSV file (whole lines only:
 * the first line of a tail and a torn last line are skipped). Later rows win.
 */
export function lastSeqs(tail: string, skipFirstLine: boolean): Map<string, { seq: number; boot: number | undefined }> {
  const lines = tail.split("\n");
  if (skipFirstLine) lines.shift();
  if (!tail.endsWith("\n")) lines.pop();
  const seqs = new Map<string, { seq: number; boot: number | undefined }>();
  for (const line of lines) {
    const f = splitCsv(line.replace(/\r$/, ""));
    if (f === undefined || f.length < 7 || f[0] === "timestamp") continue;
    const seq = Number(f[5]);
    const boot = f[7] === undefined || f[7] === "" ? undefined : Number(f[7]);
    if (f[5] !== "" && Number.isSafeInteger(seq) && seq >= 1) seqs.set(f[6]!, { seq, boot: Number.isSafeInteger(boot) ? boot : undefined });
  }
  return seqs;
}
