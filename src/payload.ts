// Wire formats of a reading (payload_format). The default is ThingFlow's: a JSON array
// `["lux-1", 624, 284.1312]` (sensor id, timestamp in seconds, value), which existing
// consumers parse. `json` is self-describing: the raw counts, gain, integration time and
// calibration let a consumer recompute lux, and `time_source` says whether `ts` is network
// time or uptime. `losant` is Losant's state message, `{"data": {...}, "time": ...}`.
// A reading with no honest value (the sensor saturated) carries null.
import { GAIN_NAMES } from "embedded:sensor/AmbientLight/tsl2591-registers";
import { utf8Decode } from "./mqtt/utf8.js";

/** Where a timestamp comes from: network time (SNTP), or seconds since boot. */
export type TimeSource = "sntp" | "uptime";

export interface Reading {
  readonly sensorId: string;
  /** Seconds: Unix time once network time is known, else seconds since boot (timeSource). */
  readonly timestamp: number;
  /** Lux, or null when the chip cannot measure it (saturated). */
  readonly value: number | null;
  /** Counts readings from 1 since boot: a subscriber sees gaps, duplicates and restarts. */
  readonly seq: number;
  readonly timeSource?: TimeSource;
  /** Boots of this board counted in its preference store (0 where it has none). */
  readonly boot?: number;
  /** Raw CH0 (full) and CH1 (IR) counts, gain name, integration ms, saturated flag, calibration. */
  readonly raw?: RawSample;
}

export interface RawSample {
  readonly full: number;
  readonly ir: number;
  readonly gain: string;
  readonly integration: number;
  readonly saturated: boolean;
  readonly calibration: number;
  /** Mostly IR light (the driver's irRich): the lux value is unreliable. Absent when false. */
  readonly irRich?: boolean;
}

export const PAYLOAD_FORMATS = Object.freeze(["thingflow", "json", "losant"] as const);
export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number];

/** Lux to 4 decimal places, as ThingFlow's tutorial printed them. */
export function roundLux(value: number): number {
  return Math.round(value * 10000) / 10000;
}

const lux = (reading: Reading): string => (reading.value === null ? "null" : String(roundLux(reading.value)));

/**
 * ThingFlow's array, with the same `, ` separators its MicroPython writer produced (PayloadEncoder's bytes as text).
 */
export function thingflowPayload(reading: Reading): string {
  const bytes = new ThingflowEncoder(reading.sensorId).bytes(reading);
  return utf8Decode(bytes, 0, bytes.length) ?? "";
}

function rawFields(reading: Reading): string {
  const r = reading.raw;
  if (r === undefined) return "";
  return `,"full":${r.full},"ir":${r.ir},"gain":${JSON.stringify(r.gain)},"integration_ms":${r.integration},"saturated":${r.saturated},"calibration":${r.calibration}${r.irRich === true ? ',"ir_rich":true' : ""}`;
}

/** The self-describing object: sensor_id, ts, val (null when saturated), seq, and what produced them. */
export function jsonPayload(reading: Reading): string {
  const boot = reading.boot === undefined ? "" : `,"boot":${reading.boot}`;
  const source = reading.timeSource === undefined ? "" : `,"time_source":"${reading.timeSource}"`;
  return `{"sensor_id":${JSON.stringify(reading.sensorId)},"ts":${reading.timestamp},"val":${lux(reading)},"seq":${reading.seq}${boot}${rawFields(reading)}${source}}`;
}

/** Losant's state message: `time` (ms) only with network time, else Losant stamps it on arrival. */
export function losantPayload(reading: Reading): string {
  const time = reading.timeSource === "sntp" ? `,"time":${reading.timestamp * 1000}` : "";
  return `{"data":{"lux":${lux(reading)},"seq":${reading.seq}${rawFields(reading)}}${time}}`;
}

/** A reading's payload as the bytes sent, in one format for one sensor (payloadEncoder). */
export interface PayloadEncoder {
  bytes(reading: Reading): Uint8Array;
}

// Every format is JSON text, which escapes U+0000 and lone surrogates, so the engine's own
// conversion (ArrayBuffer.fromString) is exact UTF-8 and needs none of utf8Encode's checks.

/**
 * ThingFlow's array, sent with every reading: one template around the sensor id's JSON, made
 * once (on XS every call, property read and string costs bytecodes per publish: npm run
 * bench:xs). The reading's sensorId is not read: the encoder is made for the sensor.
 */
class ThingflowEncoder implements PayloadEncoder {
  /** `["<sensor id>", ` */
  readonly #prefix: string;

  constructor(sensorId: string) {
    this.#prefix = `[${JSON.stringify(sensorId)}, `;
  }

  bytes(reading: Reading): Uint8Array {
    const v = reading.value;
    // Lux to 4 decimals (roundLux, inlined); `${n}` is String(n).
    return new Uint8Array(
      ArrayBuffer.fromString(
        v === null
          ? `${this.#prefix}${reading.timestamp}, null]`
          : `${this.#prefix}${reading.timestamp}, ${Math.round(v * 10000) / 10000}]`,
      ),
    );
  }
}

class TextPayload implements PayloadEncoder {
  constructor(private readonly text: (reading: Reading) => string) {}

  bytes(reading: Reading): Uint8Array {
    return new Uint8Array(ArrayBuffer.fromString(this.text(reading)));
  }
}

/** The encoder of `format` for the readings of `sensorId`. */
export function payloadEncoder(format: PayloadFormat, sensorId: string): PayloadEncoder {
  if (format === "json") return new TextPayload(jsonPayload);
  if (format === "losant") return new TextPayload(losantPayload);
  return new ThingflowEncoder(sensorId);
}

export function formatPayload(format: PayloadFormat, reading: Reading): string {
  if (format === "json") return jsonPayload(reading);
  if (format === "losant") return losantPayload(reading);
  return thingflowPayload(reading);
}

// A reading as it waits in the offline queue: RECORD_BYTES, rendered into its payload only
// when sent (the same bytes each time, so a DUP resend is byte-identical). Big-endian:
//   0-3 seq · 4-7 timestamp (s) · 8-11 lux × 10,000 (whole lux with COARSE) · 12-13 CH0 (full)
//   14-15 CH1 (ir) · 16 gain index | integration / 100 << 2 · 17 flags (RecordFlag)
//   18-19 boot, low 16 bits · 20-22 calibration × 1,000
// Lux is kept to the 4 decimals every format prints, so rendering from the record prints what
// the reading would have. Flag bits 6-7 are free.
export const RECORD_BYTES = 23;

export const RecordFlag = Object.freeze({
  /** A value (else null: saturated). */ VALUE: 1,
  SATURATED: 2,
  /** Timestamp from SNTP (else uptime). */ SNTP: 4,
  /** Raw counts, gain, integration, calibration present. */ RAW: 8,
  /** Lux at or above 429,496.7296: kept in whole lux. */ COARSE: 16,
  /** Neither time source nor boot (a bare reading). */ BARE: 32,
  /** The driver flagged the light IR-rich (raw.irRich). */ IR_RICH: 64,
});

// Frozen: preloaded, they are in flash (xsl warns of a writable table).
const INTEGRATIONS: readonly number[] = Object.freeze([100, 200, 300, 400, 500, 600]);
/** The driver's gain names, searched by any string (a record's gain index is its AGAIN). */
const GAINS: readonly string[] = GAIN_NAMES;

function u32(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 24;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}

function get32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
}

/**
 * Writes `r`'s record at out[at, at + RECORD_BYTES). Numbers out of a field's range are clamped
 * to it; returns true when nothing was (readRecord then gives back what formats like `r`).
 */
export function writeRecord(out: Uint8Array, at: number, r: Reading): boolean {
  let flags = 0;
  let lux = 0;
  const v = r.value;
  const seq = r.seq;
  const ts = r.timestamp;
  let exact = seq >>> 0 === seq && ts >>> 0 === ts && (r.timeSource === undefined) === (r.boot === undefined);
  if (v !== null) {
    flags = RecordFlag.VALUE;
    lux = Math.round(v * 10000);
    if (!(lux >= 0 && lux <= 0xffffffff)) {
      lux = Math.min(0xffffffff, Math.max(0, Math.round(v)));
      flags |= RecordFlag.COARSE;
      exact = false;
    }
  }
  u32(out, at, seq);
  u32(out, at + 4, ts);
  u32(out, at + 8, lux);
  const raw = r.raw;
  if (raw !== undefined) {
    flags |= raw.saturated ? RecordFlag.RAW | RecordFlag.SATURATED : RecordFlag.RAW;
    if (raw.irRich === true) flags |= RecordFlag.IR_RICH;
    const full = raw.full; // 16-bit ADC channels (TSL2591 datasheet, C0DATA/C1DATA)
    const ir = raw.ir;
    const gain = GAINS.indexOf(raw.gain);
    const integration = INTEGRATIONS.indexOf(raw.integration);
    const cal = Math.round(raw.calibration * 1000);
    if (
      (full & 0xffff) !== full ||
      (ir & 0xffff) !== ir ||
      gain < 0 ||
      integration < 0 ||
      (cal & 0xffffff) !== cal ||
      cal / 1000 !== raw.calibration
    )
      exact = false;
    out[at + 12] = full >> 8;
    out[at + 13] = full & 0xff;
    out[at + 14] = ir >> 8;
    out[at + 15] = ir & 0xff;
    out[at + 16] = (gain & 3) | ((integration & 7) << 2);
    out[at + 20] = cal >> 16;
    out[at + 21] = (cal >> 8) & 0xff;
    out[at + 22] = cal & 0xff;
  }
  if (r.timeSource === "sntp") flags |= RecordFlag.SNTP;
  const boot = r.boot;
  if (boot === undefined) {
    if (r.timeSource === undefined) flags |= RecordFlag.BARE;
    out[at + 18] = out[at + 19] = 0;
  } else {
    out[at + 18] = (boot >> 8) & 0xff;
    out[at + 19] = boot & 0xff;
  }
  out[at + 17] = flags;
  return exact;
}

/** The reading in the record at b[at, at + RECORD_BYTES); `boot`: this boot's number (the record keeps 16 bits). */
export function readRecord(b: Uint8Array, at: number, sensorId: string, boot: number): Reading {
  const flags = b[at + 17]!;
  const lux = get32(b, at + 8);
  const value = (flags & RecordFlag.VALUE) === 0 ? null : (flags & RecordFlag.COARSE) !== 0 ? lux : lux / 10000;
  const seq = get32(b, at);
  const timestamp = get32(b, at + 4);
  const raw =
    (flags & RecordFlag.RAW) === 0
      ? undefined
      : {
          full: (b[at + 12]! << 8) | b[at + 13]!,
          ir: (b[at + 14]! << 8) | b[at + 15]!,
          gain: GAIN_NAMES[b[at + 16]! & 3]!,
          integration: INTEGRATIONS[(b[at + 16]! >> 2) & 7] ?? 100,
          saturated: (flags & RecordFlag.SATURATED) !== 0,
          calibration: ((b[at + 20]! << 16) | (b[at + 21]! << 8) | b[at + 22]!) / 1000,
          ...((flags & RecordFlag.IR_RICH) !== 0 ? { irRich: true } : {}),
        };
  if ((flags & RecordFlag.BARE) !== 0) return { sensorId, timestamp, value, seq, raw };
  const low = (b[at + 18]! << 8) | b[at + 19]!;
  return {
    sensorId,
    timestamp,
    value,
    seq,
    timeSource: (flags & RecordFlag.SNTP) !== 0 ? "sntp" : "uptime",
    boot: boot >= low ? boot - ((boot - low) & 0xffff) : low,
    raw,
  };
}
