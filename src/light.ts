// The light sensor as a scheduler source: opens the TSL2591 driver (retrying while the chip
// is absent), turns each sample into a Reading, and never invents a value: no chip or no
// new measurement means no reading; a saturated chip means a reading whose value is null.
import TSL2591 from "embedded:sensor/AmbientLight/TSL2591";
import type { TSL2591Options } from "embedded:sensor/AmbientLight/TSL2591";
import { OnceLogger } from "./log.js";
import type { Reading } from "./payload.js";
import type { Clock, Logger, Timers } from "./platform.js";
import { describe, type Source } from "./scheduler.js";

export type SensorBus = TSL2591Options["sensor"];

export class LightSource implements Source<Reading> {
  #sensor: TSL2591 | undefined;
  readonly #problems: OnceLogger;
  /** Readings produced, and sample periods with no reading because the chip was unavailable. */
  readonly stats = { readings: 0, unavailable: 0 };

  constructor(
    private readonly bus: SensorBus,
    private readonly sensorId: string,
    private readonly clock: Clock,
    private readonly timers: Timers,
    log: Logger,
  ) {
    this.#problems = new OnceLogger(log);
  }

  sample(): Reading | undefined {
    const sensor = this.#sensor ?? this.#open();
    if (sensor === undefined) {
      this.stats.unavailable++;
      return undefined;
    }
    const sample = sensor.sample();
    if (sample === undefined) return undefined;
    this.#problems.clear("sensor: tsl2591 answering again");
    this.stats.readings++;
    return {
      sensorId: this.sensorId,
      timestamp: Math.floor(this.clock.now() / 1000),
      value: sample.illuminance,
      seq: this.stats.readings,
    };
  }

  close(): void {
    this.#sensor?.close();
    this.#sensor = undefined;
  }

  #open(): TSL2591 | undefined {
    try {
      this.#sensor = new TSL2591({
        sensor: this.bus,
        timers: this.timers,
        onError: (message: string) => this.#problems.warn(`sensor: ${message}`),
      });
      this.#problems.clear("sensor: tsl2591 found");
      return this.#sensor;
    } catch (error) {
      this.#problems.warn(`sensor: ${describe(error)}; retrying every sample`);
      return undefined;
    }
  }
}
