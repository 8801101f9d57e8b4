// Wire formats of a reading (payload_format). The default is ThingFlow's: a JSON array
// `["lux-1", 624, 284.1312]` (sensor id, timestamp in seconds, value), which existing
// consumers parse. `json` is self-describing: the raw counts, gain, integration time and
// calibration let a consumer recompute lux, and `time_source` says whether `ts` is network
// time or uptime. `losant` is Losant's state message, `{"data": {...}, "time": ...}`.
// A reading with no honest value (the sensor saturated) carries null.

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

export type PayloadFormat = "thingflow" | "json" | "losant";

/** Lux to 4 decimal places, as ThingFlow's tutorial printed them. */
export function roundLux(value: number): number {
  return Math.round(value * 10000) / 10000;
}

const lux = (reading: Reading): string => (reading.value === null ? "null" : String(roundLux(reading.value)));

/** ThingFlow's array, with the same `, ` separators its MicroPython writer produced. */
export function thingflowPayload(reading: Reading): string {
  // lux() inlined: every call costs XS more than the arithmetic; `${n}` is String(n).
  const v = reading.value;
  return `[${JSON.stringify(reading.sensorId)}, ${reading.timestamp}, ${v === null ? "null" : Math.round(v * 10000) / 10000}]`;
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

export function formatPayload(format: PayloadFormat, reading: Reading): string {
  if (format === "json") return jsonPayload(reading);
  if (format === "losant") return losantPayload(reading);
  return thingflowPayload(reading);
}
