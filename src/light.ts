// The light sensor as a scheduler source: opens the TSL2591 driver (retrying while the chip
// is absent), turns each sample into a Reading (lux, raw counts, gain, integration time,
// saturated flag, timestamp and its source), and never invents a value: no chip or no new
// measurement means no reading; a saturated chip means a reading whose value is null.
// Gain, integration time and auto-range can change at run time (commands); a bad value is a
// RangeError from the driver and changes nothing. After each sample it tells the driver when the
// next one is due (the spacing of the scheduler's calls), so the chip can sleep until then.
import TSL2591 from "embedded:sensor/AmbientLight/TSL2591";
import type { TSL2591Configuration, TSL2591Options } from "embedded:sensor/AmbientLight/TSL2591";
import { OnceLogger } from "./log.js";
import type { Reading } from "./payload.js";
import type { Logger, Timers } from "./platform.js";
import { errorMessage, type Source } from "./scheduler.js";
import type { Stamp } from "./timesync.js";

export type SensorBus = TSL2591Options["sensor"];
export type SensorSettings = Pick<TSL2591Configuration, "gain" | "integration" | "autoRange">;

export class LightSource implements Source<Reading> {
  #sensor: TSL2591 | undefined;
  #settings: SensorSettings;
  readonly #problems: OnceLogger;
  /** The previous sample() call's time, to learn the scheduler's interval. */
  #last: Stamp | undefined;
  /** Readings produced, sample periods with no chip, failed opens, bus errors of closed drivers. */
  readonly stats = { readings: 0, unavailable: 0, openFailures: 0, pastErrors: 0 };

  constructor(
    private readonly bus: SensorBus,
    private readonly sensorId: string,
    /** The device's time (DeviceTime): stamps each reading. */
    private readonly time: { now(): Stamp },
    private readonly timers: Timers,
    log: Logger,
    settings: SensorSettings,
    /** Counted into every reading (see Reading.boot). */
    private readonly boot = 0,
  ) {
    this.#problems = new OnceLogger(log);
    this.#settings = settings;
  }

  /** I2C errors: failed bus operations seen by the driver plus failed attempts to open it. */
  get errors(): number {
    return this.stats.pastErrors + this.stats.openFailures + (this.#sensor?.errors ?? 0);
  }

  get settings(): SensorSettings {
    return this.#settings;
  }

  /** Changes gain / integration time / auto-range; throws RangeError (changing nothing) on a bad value. */
  configure(change: Partial<SensorSettings>): void {
    const next = { ...this.#settings, ...change };
    this.#sensor?.configure(next);
    this.#settings = next;
  }

  sample(): Reading | undefined {
    const sensor = this.#sensor ?? this.#open();
    if (sensor === undefined) {
      this.stats.unavailable++;
      return undefined;
    }
    const sample = sensor.sample();
    const stamp = this.time.now();
    const last = this.#last;
    this.#last = stamp;
    // A change of time source (uptime → SNTP) is a jump, not an interval.
    if (last !== undefined && last.source === stamp.source) sensor.sampleIn(stamp.ms - last.ms);
    if (sample === undefined) return undefined;
    this.#problems.clear("sensor: tsl2591 answering again");
    this.stats.readings++;
    return {
      sensorId: this.sensorId,
      timestamp: Math.floor(stamp.ms / 1000),
      timeSource: stamp.source,
      value: sample.illuminance,
      seq: this.stats.readings,
      boot: this.boot,
      raw: {
        full: sample.full,
        ir: sample.ir,
        gain: sample.gain,
        integration: sample.integration,
        saturated: sample.saturated,
        calibration: Math.round(sample.calibration * 1000) / 1000,
        ...(sample.irRich ? { irRich: true } : {}),
      },
    };
  }

  close(): void {
    if (this.#sensor !== undefined) this.stats.pastErrors += this.#sensor.errors;
    this.#sensor?.close();
    this.#sensor = undefined;
  }

  #open(): TSL2591 | undefined {
    try {
      this.#sensor = new TSL2591({
        sensor: this.bus,
        timers: this.timers,
        onError: (message: string) => this.#problems.warn(`sensor: ${message}`),
        ...this.#settings,
      });
      this.#problems.clear("sensor: tsl2591 found");
      return this.#sensor;
    } catch (error) {
      this.stats.openFailures++;
      this.#problems.warn(`sensor: ${errorMessage(error)}; retrying every sample`);
      return undefined;
    }
  }
}
