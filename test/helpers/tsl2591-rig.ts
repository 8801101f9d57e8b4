// Shared rig for the TSL2591 tests: virtual clock, simulated bus, chip model, driver.
import { VirtualClock } from "../../host-sim/clock.js";
import { I2CBus } from "../../host-sim/io/i2c.js";
import { smbusClass } from "../../host-sim/io/i2c-smbus.js";
import { Tsl2591Model } from "../../host-sim/chips/tsl2591.js";
import type { Light, Scene } from "../../host-sim/scene.js";
import TSL2591, { type TSL2591Options, type TSL2591Sample } from "../../drivers/tsl2591/tsl2591.js";

export interface Rig {
  clock: VirtualClock;
  bus: I2CBus;
  model: Tsl2591Model;
  light: Light;
  errors: string[];
  driver: TSL2591;
  /** Polls sample() every `stepMs` for up to `maxMs`; returns the first sample and when it came. */
  next(maxMs?: number, stepMs?: number): { sample: TSL2591Sample | undefined; elapsed: number };
}

/**
 * `timers`: hand the driver the virtual clock as its timers (re-measures after a range change, power-save wake-ups).
 */
export function makeRig(
  options: Partial<Omit<TSL2591Options, "sensor">> = {},
  light: Light = { lux: 250, source: "led" },
  scene?: Scene,
  timers = false,
): Rig {
  const clock = new VirtualClock(1_000);
  const bus = new I2CBus();
  const state = { ...light };
  const model = new Tsl2591Model({ clock, timers: clock, scene: scene ?? (() => state) });
  bus.attach(0x29, model);
  const errors: string[] = [];
  const driver = new TSL2591({
    sensor: { io: smbusClass(bus), data: 21, clock: 22 },
    onError: (message) => errors.push(message),
    ...(timers ? { timers: clock } : {}),
    ...options,
  });
  return {
    clock,
    bus,
    model,
    light: state,
    errors,
    driver,
    next(maxMs = 5_000, stepMs = 10) {
      for (let elapsed = 0; elapsed <= maxMs; elapsed += stepMs) {
        const sample = driver.sample();
        if (sample !== undefined) return { sample, elapsed };
        clock.advance(stepMs);
      }
      return { sample: undefined, elapsed: maxMs };
    },
  };
}
