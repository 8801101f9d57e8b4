// Readings as the firmware publishes them (docs/device-api.md, "Readings"): ThingFlow's
// array `["lux-1", 1795355431, 284.1312]` and the json object
// `{"sensor_id":"lux-1","ts":1795355431,"val":284.1312,"seq":17, …}`. Pure: bytes in, a
// record or a one-line reason out. Extra json fields are tolerated (the firmware may add
// raw counts, gain and the like); a missing or mistyped required field is a reason.

export interface ParsedReading {
  readonly sensorId: string;
  /** Device timestamp, seconds (Unix time once the board's clock is set, else since boot). */
  readonly deviceTs: number;
  /** Lux, or null when the sensor saturated. */
  readonly value: number | null;
  /** Readings since the device booted (json only). */
  readonly seq: number | undefined;
  /** The device's boot count (json, where the board keeps one in flash): (device, boot, seq) names a reading. */
  readonly boot: number | undefined;
  /** The device: payload `device_id` when present, else the sensor id (the `<id>` of its topics). */
  readonly deviceId: string;
}

export type ParseResult = { readonly ok: true; readonly reading: ParsedReading } | { readonly ok: false; readonly reason: string };

const bad = (reason: string): ParseResult => ({ ok: false, reason });

function isId(v: unknown): v is string {
  return typeof v === "string" && v.length > 0 && v.length <= 256 && !/[\u0000-\u001f]/.test(v);
}

function isValue(v: unknown): v is number | null {
  return v === null || (typeof v === "number" && Number.isFinite(v));
}

function fromArray(a: unknown[]): ParseResult {
  if (a.length < 3) return bad(`thingflow array needs [sensor_id, ts, value] (got ${a.length} elements)`);
  const [id, ts, value] = a;
  if (!isId(id)) return bad("thingflow array: sensor_id must be a non-empty string");
  if (typeof ts !== "number" || !Number.isFinite(ts)) return bad("thingflow array: ts must be a number");
  if (!isValue(value)) return bad("thingflow array: value must be a number or null");
  return { ok: true, reading: { sensorId: id, deviceTs: ts, value, seq: undefined, boot: undefined, deviceId: id } };
}

function fromObject(o: Record<string, unknown>): ParseResult {
  const { sensor_id: id, ts, val, seq, boot, device_id: device } = o;
  if (!isId(id)) return bad("json: sensor_id must be a non-empty string");
  if (typeof ts !== "number" || !Number.isFinite(ts)) return bad("json: ts must be a number");
  if (!isValue(val)) return bad("json: val must be a number or null");
  if (seq !== undefined && !(typeof seq === "number" && Number.isSafeInteger(seq) && seq >= 1)) return bad("json: seq must be a whole number from 1");
  if (boot !== undefined && !(typeof boot === "number" && Number.isSafeInteger(boot) && boot >= 0)) return bad("json: boot must be a whole number from 0");
  if (device !== undefined && !isId(device)) return bad("json: device_id must be a non-empty string");
  return { ok: true, reading: { sensorId: id, deviceTs: ts, value: val, seq, boot, deviceId: device ?? id } };
}

/** Parses one reading payload (UTF-8 text). */
export function parseReading(text: string): ParseResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return bad("not JSON");
  }
  if (Array.isArray(data)) return fromArray(data);
  if (typeof data === "object" && data !== null) return fromObject(data as Record<string, unknown>);
  return bad("neither a thingflow array nor a json object");
}

/** The payload shortened for a log line. */
export function excerpt(text: string, max = 80): string {
  const flat = JSON.stringify(text);
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
