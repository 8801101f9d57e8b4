// Wire formats of a reading. The default is ThingFlow's: a JSON array
// `["lux-1", 624, 284.1312]` (sensor id, timestamp in seconds, value), which existing
// consumers parse. A reading with no honest value (the sensor saturated) carries null.

export interface Reading {
  readonly sensorId: string;
  /** Seconds: Unix time once the board's clock is set, else seconds since boot. */
  readonly timestamp: number;
  /** Lux, or null when the chip cannot measure it (saturated). */
  readonly value: number | null;
  /** Counts readings from 1 since boot: a subscriber sees gaps, duplicates and restarts. */
  readonly seq: number;
}

export type PayloadFormat = "thingflow" | "json";

/** Lux to 4 decimal places, as ThingFlow's tutorial printed them. */
export function roundLux(value: number): number {
  return Math.round(value * 10000) / 10000;
}

/** ThingFlow's array, with the same `, ` separators its MicroPython writer produced. */
export function thingflowPayload(reading: Reading): string {
  const value = reading.value === null ? "null" : String(roundLux(reading.value));
  return `[${JSON.stringify(reading.sensorId)}, ${reading.timestamp}, ${value}]`;
}

/** The self-describing object: sensor_id, ts, val (null when saturated) and seq. */
export function jsonPayload(reading: Reading): string {
  const value = reading.value === null ? "null" : String(roundLux(reading.value));
  return `{"sensor_id":${JSON.stringify(reading.sensorId)},"ts":${reading.timestamp},"val":${value},"seq":${reading.seq}}`;
}

export function formatPayload(format: PayloadFormat, reading: Reading): string {
  return format === "json" ? jsonPayload(reading) : thingflowPayload(reading);
}
