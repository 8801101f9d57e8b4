// Light scenes and sensor faults for the simulated TSL2591, chosen with `sim_*` keys on the
// simulator's command line. A scene maps the time since the simulator started (ms) to the
// light on the sensor: an illuminance of a source spectrum (./chips/light-spectra.ts), plus
// optional extra 850 nm IR, which the chip model collects through its diodes' responsivity.
import type { I2CBus } from "./io/i2c.js";
import type { Timers } from "../src/platform.js";
import { Tsl2591Model } from "./chips/tsl2591.js";
import { I2C_ADDRESS } from "./chips/tsl2591-datasheet.js";
import { SOURCE_NAMES, type Scene, type SourceName } from "./chips/light-spectra.js";

export type { Light, Scene, SourceName } from "./chips/light-spectra.js";

export interface SimKey {
  readonly name: string;
  readonly default: string;
  readonly description: string;
}

// Rows frozen too: on -p lin this table is preloaded into flash (xsl warns of a writable row).
export const SIM_SENSOR_KEYS: readonly SimKey[] = Object.freeze(
  (
    [
      {
        name: "sim_lux",
        default: "250",
        description: "illuminance in lux (constant scene; start level of ramp/step; mean of flicker)",
      },
      {
        name: "sim_source",
        default: "led",
        description:
          "light source spectrum: a (incandescent), d65 (daylight), led (white LED ~4000 K), fluorescent, ir (LED + 850 nm IR illuminator)",
      },
      {
        name: "sim_ir",
        default: "0",
        description: "extra invisible 850 nm IR, as its share of the full-spectrum channel, 0 to 0.95",
      },
      { name: "sim_scene", default: "constant", description: "constant | ramp | step | flicker | dark" },
      {
        name: "sim_lux_to",
        default: "80000",
        description: "end level of ramp (sunrise) and level after the step, lux",
      },
      { name: "sim_period", default: "60", description: "ramp duration / time of the step, seconds" },
      { name: "sim_flicker_hz", default: "100", description: "flicker frequency, Hz (mains lighting: 100 or 120)" },
      { name: "sim_flicker_depth", default: "0.5", description: "flicker modulation depth, 0 to 1" },
      { name: "sim_noise", default: "0", description: "relative standard deviation of count noise, 0 to 0.5" },
      { name: "sim_shot_noise", default: "0", description: "1 = photon shot noise on the counts (seeded by sim_seed)" },
      {
        name: "sim_spread",
        default: "0",
        description: "part-to-part spread: relative standard deviation of each channel's responsivity, 0 to 0.5",
      },
      { name: "sim_seed", default: "1", description: "seed of the noise generator and of the part drawn (integer)" },
      {
        name: "sim_fault",
        default: "none",
        description: "none | nack (chip NACKs everything) | absent (nothing at 0x29) | wrong_id",
      },
      { name: "sim_chip_id", default: "0x50", description: "value of the ID register (wrong_id uses 0x12 unless set)" },
      {
        name: "sim_unplug_at",
        default: "",
        description: "seconds after start when the sensor is unplugged (empty = never)",
      },
      {
        name: "sim_replug_at",
        default: "",
        description: "seconds after start when it is plugged back in (empty = never)",
      },
    ] satisfies SimKey[]
  ).map((key) => Object.freeze(key)),
);

type Keys = Record<string, string>;

function raw(keys: Keys, name: string): string {
  const value = keys[name];
  if (value !== undefined) return value;
  return SIM_SENSOR_KEYS.find((k) => k.name === name)?.default ?? "";
}

function number(keys: Keys, name: string, min: number, max: number): number {
  const text = raw(keys, name).trim();
  const value = text === "" ? NaN : Number(text);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name}: expected a number from ${min} to ${max}, got "${raw(keys, name)}"`);
  }
  return value;
}

function optionalSeconds(keys: Keys, name: string): number | undefined {
  return raw(keys, name).trim() === "" ? undefined : number(keys, name, 0, 1e9);
}

function oneOf<T extends string>(keys: Keys, name: string, choices: readonly T[]): T {
  const value = raw(keys, name) as T;
  if (!choices.includes(value)) throw new Error(`${name}: expected one of ${choices.join(", ")}, got "${value}"`);
  return value;
}

/** Builds the scene the keys describe; throws an Error naming the first bad key. */
export function sceneFromKeys(keys: Keys): Scene {
  const lux = number(keys, "sim_lux", 0, 1e6);
  const irFraction = number(keys, "sim_ir", 0, 0.95);
  const source: SourceName = oneOf(keys, "sim_source", SOURCE_NAMES);
  const kind = oneOf(keys, "sim_scene", ["constant", "ramp", "step", "flicker", "dark"] as const);
  const to = number(keys, "sim_lux_to", 0, 1e6);
  const periodMs = number(keys, "sim_period", 0, 1e7) * 1000;
  const hz = number(keys, "sim_flicker_hz", 0, 10_000);
  const depth = number(keys, "sim_flicker_depth", 0, 1);
  switch (kind) {
    case "constant":
      return () => ({ lux, source, irFraction });
    case "dark":
      return () => ({ lux: 0, source, irFraction });
    case "step":
      return (t) => ({ lux: t < periodMs ? lux : to, source, irFraction });
    case "ramp":
      // A sunrise: geometric (straight on a log scale) from sim_lux to sim_lux_to, then holds.
      return (t) => {
        const k = periodMs <= 0 ? 1 : Math.min(1, Math.max(0, t / periodMs));
        const level = lux > 0 && to > 0 ? lux * Math.pow(to / lux, k) : lux + (to - lux) * k;
        return { lux: level, source, irFraction };
      };
    case "flicker":
      return (t) => ({ lux: lux * (1 + depth * Math.sin((2 * Math.PI * hz * t) / 1000)), source, irFraction });
  }
}

export interface SensorSim {
  readonly scene: Scene;
  /** Creates the chip model and attaches it at 0x29 (unless sim_fault=absent); returns it. */
  attach(bus: I2CBus): Tsl2591Model;
}

/**
 * Scene and faults from the `sim_*` keys. Keys not in SIM_SENSOR_KEYS are ignored here (the
 * command line rejects unknown keys). `clock` gives the simulator's start time; with `timers`
 * the model drives its INT pin between bus accesses.
 */
export function sensorSimFromKeys(keys: Keys, clock: { now(): number }, timers?: Timers): SensorSim {
  const scene = sceneFromKeys(keys);
  const noise = number(keys, "sim_noise", 0, 0.5);
  const seed = number(keys, "sim_seed", 0, 2 ** 32 - 1);
  const shotNoise = oneOf(keys, "sim_shot_noise", ["0", "1"] as const) === "1";
  const spread = number(keys, "sim_spread", 0, 0.5);
  const fault = oneOf(keys, "sim_fault", ["none", "nack", "absent", "wrong_id"] as const);
  const chipId = keys["sim_chip_id"] === undefined && fault === "wrong_id" ? 0x12 : number(keys, "sim_chip_id", 0, 255);
  const unplugAt = optionalSeconds(keys, "sim_unplug_at");
  const replugAt = optionalSeconds(keys, "sim_replug_at");
  if (replugAt !== undefined && unplugAt === undefined) throw new Error("sim_replug_at: needs sim_unplug_at");
  if (replugAt !== undefined && unplugAt !== undefined && replugAt <= unplugAt) {
    throw new Error(
      `sim_replug_at: must be later than sim_unplug_at (${unplugAt} s), got "${raw(keys, "sim_replug_at")}"`,
    );
  }
  const start = clock.now();
  return {
    scene,
    attach(bus: I2CBus): Tsl2591Model {
      const model = new Tsl2591Model({
        clock,
        scene,
        noise,
        shotNoise,
        spread,
        seed,
        epoch: start,
        ...(timers ? { timers } : {}),
      });
      model.chipId = chipId;
      model.nack = fault === "nack";
      if (unplugAt !== undefined) model.unplugBetween(start + unplugAt * 1000, start + (replugAt ?? Infinity) * 1000);
      if (fault !== "absent") bus.attach(I2C_ADDRESS, model);
      return model;
    },
  };
}
