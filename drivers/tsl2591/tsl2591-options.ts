// Options and sample of the TSL2591 driver: their types, defaults and validation (pure; no IO).
// Every bad value is a RangeError naming the option, so `configure()` changes nothing on error.
import { GAIN_NAMES, PERSIST_CYCLES } from "./tsl2591-registers.js";
import { DEFAULT_DEVICE_FACTOR, DEFAULT_GLASS_ATTENUATION } from "./tsl2591-lux.js";

export type TSL2591Gain = (typeof GAIN_NAMES)[number];

/** Interrupt thresholds on raw CH0 counts at the range in use (the chip compares CH0 only). */
export interface TSL2591Thresholds {
  low: number;
  high: number;
}

/** What `configure()` accepts and `configuration` returns. */
export interface TSL2591Configuration {
  /** Gain when autoRange is off, and the first gain auto-range tries. Default "medium". */
  gain: TSL2591Gain;
  /** Integration time in ms, 100..600 in steps of 100. Auto-range uses it as its base. Default 100. */
  integration: number;
  /** Step gain and integration time to keep the counts in range. Default true. */
  autoRange: boolean;
  /**
   * Lux calibration (ESPHome's `device_factor`); calibration = deviceFactor × glassAttenuation. Default 608
   * (datasheet-derived, ./tsl2591-lux.ts).
   */
  deviceFactor: number;
  /** Attenuation of a window in front of the sensor (1 = open air). Default 1. */
  glassAttenuation: number;
  /**
   * Power the chip down between samples when sampleIn() says the next one is far enough away,
   * waking it one measurement ahead (needs `timers`; not while interrupt thresholds are set,
   * which need the ADC running). Default true.
   */
  powerSave: boolean;
  /** Persist-interrupt window on CH0 counts; null = interrupt off. Default null. */
  thresholds: TSL2591Thresholds | null;
  /** Consecutive out-of-range cycles before the interrupt: 0 (every cycle), 1, 2, 3, 5, 10..60 by 5. */
  persistence: number;
}

/** The SMBus members the driver uses (Moddable `embedded:io/smbus`). */
export interface TSL2591IO {
  readUint8(register: number): number;
  readBuffer(register: number, count: number): ArrayBuffer;
  writeUint8(register: number, value: number): void;
  writeBuffer(register: number, buffer: ArrayBufferLike | ArrayBufferView): void;
  sendByte(command: number): void;
  close(): void;
}

export interface TSL2591SensorOptions {
  io: new (options: { data: number; clock: number; hz: number; address: number }) => TSL2591IO;
  data: number;
  clock: number;
  hz?: number;
  address?: number;
  [option: string]: unknown;
}

/** ECMA-419 Digital input on the INT pin (open drain, active low). */
export interface TSL2591AlertOptions {
  io: {
    new (options: { pin: number | string; mode: number; edge: number; onReadable(): void }): { close(): void };
    readonly InputPullUp?: number;
    readonly Falling?: number;
  };
  pin: number | string;
  mode?: number;
  edge?: number;
}

export interface TSL2591Options extends Partial<TSL2591Configuration> {
  sensor: TSL2591SensorOptions;
  alert?: TSL2591AlertOptions;
  /** The persist-interrupt thresholds were crossed (seen on the INT pin or by sample()). */
  onAlert?(): void;
  /** One line per fault transition (NACK, wrong ID, lost settings). */
  onError?(message: string): void;
  /**
   * Moddable `timer`-shaped one-shot timers (src/platform.ts Timers). With them the driver
   * re-measures after a range change at the end of the next integration (one timer per
   * integration, at most 3 until in range), and power-save wakes the chip ahead of a sample.
   * Nothing runs while the range is right. Without them, auto-range advances only on sample().
   */
  timers?: { set(callback: () => void, milliseconds: number): object; clear(handle: object | undefined): void };
}

export interface TSL2591Sample {
  /** Lux, or null when saturated at the least sensitive range (never -1, 0, NaN or Infinity). */
  illuminance: number | null;
  saturated: boolean;
  /** When saturated, lux is at least this (null if the IR channel saturated too). */
  lowerBound: number | null;
  /** Raw channel 0 (visible + IR) counts. */
  full: number;
  /** Raw channel 1 (IR) counts. */
  ir: number;
  /** full − ir, never below 0. */
  visible: number;
  gain: TSL2591Gain;
  /** CH0's gain at this AGAIN (datasheet typical). */
  gainFactor: number;
  /** CH1's gain at this AGAIN (differs from CH0's at max gain). */
  irGainFactor: number;
  /** Integration time in ms. */
  integration: number;
  /** deviceFactor × glassAttenuation: lux = calibration × (full/gainFactor − 1.671 × ir/irGainFactor) / integration. */
  calibration: number;
  /** Mostly IR light (CH1 ≥ 0.4 of CH0, gain-normalised): no two-channel lux is accurate there. */
  irRich: boolean;
}

export const DEFAULT_CONFIGURATION: Readonly<TSL2591Configuration> = Object.freeze({
  gain: "medium",
  integration: 100,
  autoRange: true,
  deviceFactor: DEFAULT_DEVICE_FACTOR,
  glassAttenuation: DEFAULT_GLASS_ATTENUATION,
  powerSave: true,
  thresholds: null,
  persistence: 1,
});

const KEYS: readonly string[] = Object.freeze(Object.keys(DEFAULT_CONFIGURATION));

function fail(name: string, expected: string, value: unknown): never {
  const shown = typeof value === "string" ? `"${value}"` : String(value);
  throw new RangeError(`tsl2591: ${name} must be ${expected} (got ${shown})`);
}

function positive(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) fail(name, "a positive number", value);
  return value;
}

function boolean(name: string, value: unknown): boolean {
  if (typeof value !== "boolean") fail(name, "true or false", value);
  return value;
}

function count(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0xffff)
    fail(name, "an integer count from 0 to 65535", value);
  return value;
}

/** Merges a partial configuration over `base`, validating every given key first. */
export function mergeConfiguration(
  base: Readonly<TSL2591Configuration>,
  partial: Readonly<Record<string, unknown>>,
): TSL2591Configuration {
  const next: TSL2591Configuration = { ...base };
  for (const [name, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    switch (name) {
      case "gain":
        if (!GAIN_NAMES.includes(value as TSL2591Gain)) fail(name, `one of ${GAIN_NAMES.join(", ")}`, value);
        next.gain = value as TSL2591Gain;
        break;
      case "integration":
        if (typeof value !== "number" || !Number.isInteger(value / 100) || value < 100 || value > 600)
          fail(name, "100, 200, 300, 400, 500 or 600 (ms)", value);
        next.integration = value;
        break;
      case "autoRange":
        next.autoRange = boolean(name, value);
        break;
      case "powerSave":
        next.powerSave = boolean(name, value);
        break;
      case "deviceFactor":
        next.deviceFactor = positive(name, value);
        break;
      case "glassAttenuation":
        next.glassAttenuation = positive(name, value);
        break;
      case "thresholds": {
        if (value === null) {
          next.thresholds = null;
          break;
        }
        const t = value as Partial<TSL2591Thresholds>;
        if (typeof value !== "object") fail(name, "{low, high} or null", value);
        const low = count("thresholds.low", t.low);
        const high = count("thresholds.high", t.high);
        if (low > high) fail("thresholds.low", `at most thresholds.high (${high})`, low);
        next.thresholds = Object.freeze({ low, high });
        break;
      }
      case "persistence":
        if (!PERSIST_CYCLES.includes(value as (typeof PERSIST_CYCLES)[number]))
          fail(name, `one of ${PERSIST_CYCLES.join(", ")}`, value);
        next.persistence = value as number;
        break;
      default:
        throw new RangeError(`tsl2591: unknown option "${name}" (known: ${KEYS.join(", ")})`);
    }
  }
  return next;
}
