// Readings as the firmware publishes them (docs/device-api.md, "Readings"): ThingFlow's
// array `["lux-1", 1795355431, 284.1312]`, the json object
// `{"sensor_id":"lux-1","ts":1795355431,"val":284.1312,"seq":17, …}` and Losant's state
// message `{"data":{"lux":…,"seq":…, …},"time":<ms>}` on `losant/<device id>/state`. Pure:
// bytes in, a record or a one-line reason out. Extra fields are tolerated; a missing or
// mistyped required field is a reason. The raw counts, gain and integration time are kept
// when present so lux can be recomputed downstream.

export interface RawFields {
  readonly full: number | undefined;
  readonly ir: number | undefined;
  readonly gain: string | undefined;
  readonly integrationMs: number | undefined;
  readonly saturated: boolean | undefined;
  readonly calibration: number | undefined;
}

export interface ParsedReading {
  readonly sensorId: string;
  /**
   * Device timestamp, seconds (Unix time once the board's clock is set, else since boot); null when the payload has
   * none (Losant without network time).
   */
  readonly deviceTs: number | null;
  /** Lux, or null when the sensor saturated. */
  readonly value: number | null;
  /** Readings since the device booted (json and losant). */
  readonly seq: number | undefined;
  /** The device's boot count (json, where the board keeps one in flash): (device, boot, seq) names a reading. */
  readonly boot: number | undefined;
  /**
   * The device: payload `device_id` when present, else the sensor id (the `<id>` of its topics); Losant: the topic's
   * device id.
   */
  readonly deviceId: string;
  /** Raw counts and range (json and losant), when the payload has them. */
  readonly raw?: RawFields;
  /** "sntp" or "uptime" (json), when present. */
  readonly timeSource?: string;
}

export type ParseResult =
  | { readonly ok: true; readonly reading: ParsedReading }
  | { readonly ok: false; readonly reason: string; readonly ignore?: true };

const bad = (reason: string): ParseResult => ({ ok: false, reason });

function isId(v: unknown): v is string {
  return typeof v === "string" && v.length > 0 && v.length <= 256 && !/[\u0000-\u001f]/.test(v);
}

function isValue(v: unknown): v is number | null {
  return v === null || (typeof v === "number" && Number.isFinite(v));
}

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

function rawOf(o: Record<string, unknown>): RawFields | undefined {
  const raw: RawFields = {
    full: num(o.full),
    ir: num(o.ir),
    gain: typeof o.gain === "string" && o.gain.length <= 16 ? o.gain : undefined,
    integrationMs: num(o.integration_ms),
    saturated: typeof o.saturated === "boolean" ? o.saturated : undefined,
    calibration: num(o.calibration),
  };
  return Object.values(raw).some((v) => v !== undefined) ? raw : undefined;
}

function seqOf(seq: unknown, where: string): number | undefined | string {
  if (seq === undefined) return undefined;
  return typeof seq === "number" && Number.isSafeInteger(seq) && seq >= 1
    ? seq
    : `${where}: seq must be a whole number from 1`;
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
  const { sensor_id: id, ts, val, boot, device_id: device, time_source: source } = o;
  if (!isId(id)) return bad("json: sensor_id must be a non-empty string");
  if (typeof ts !== "number" || !Number.isFinite(ts)) return bad("json: ts must be a number");
  if (!isValue(val)) return bad("json: val must be a number or null");
  const seq = seqOf(o.seq, "json");
  if (typeof seq === "string") return bad(seq);
  if (boot !== undefined && !(typeof boot === "number" && Number.isSafeInteger(boot) && boot >= 0))
    return bad("json: boot must be a whole number from 0");
  if (device !== undefined && !isId(device)) return bad("json: device_id must be a non-empty string");
  const raw = rawOf(o);
  return {
    ok: true,
    reading: {
      sensorId: id,
      deviceTs: ts,
      value: val,
      seq,
      boot,
      deviceId: device ?? id,
      ...(raw ? { raw } : {}),
      ...(source === "sntp" || source === "uptime" ? { timeSource: source } : {}),
    },
  };
}

/** `losant/<device id>/state` → the device id, else undefined. */
function losantDevice(topic: string | undefined): string | undefined {
  const m = topic === undefined ? null : /^losant\/([^/]+)\/state$/.exec(topic);
  return m !== null && isId(m[1]) ? m[1] : undefined;
}

function fromLosant(o: Record<string, unknown>, device: string): ParseResult {
  const data = o.data as Record<string, unknown>;
  // The same topic carries the device's state, {"data": state}: not a reading.
  if (!("lux" in data)) return { ok: false, reason: "not a reading", ignore: true };
  if (!isValue(data.lux)) return bad("losant: data.lux must be a number or null");
  const seq = seqOf(data.seq, "losant");
  if (typeof seq === "string") return bad(seq);
  const time = o.time;
  if (time !== undefined && (typeof time !== "number" || !Number.isFinite(time)))
    return bad("losant: time must be a number of milliseconds");
  const raw = rawOf(data);
  return {
    ok: true,
    reading: {
      sensorId: device,
      deviceTs: time === undefined ? null : time / 1000,
      value: data.lux,
      seq,
      boot: undefined,
      deviceId: device,
      ...(raw ? { raw } : {}),
    },
  };
}

/** Parses one reading payload (UTF-8 text) received on `topic`. */
export function parseReading(text: string, topic?: string): ParseResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return bad("not JSON");
  }
  if (Array.isArray(data)) return fromArray(data);
  if (typeof data !== "object" || data === null) return bad("neither a thingflow array nor a json object");
  const o = data as Record<string, unknown>;
  const losant = losantDevice(topic);
  if (losant !== undefined && typeof o.data === "object" && o.data !== null && !Array.isArray(o.data))
    return fromLosant(o, losant);
  return fromObject(o);
}

/** The payload shortened for a log line. */
export function excerpt(text: string, max = 80): string {
  const flat = JSON.stringify(text);
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
