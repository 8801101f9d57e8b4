// TSL2591 ambient-light sensor, ECMA-419 Sensor Class Pattern (`embedded:sensor/AmbientLight/TSL2591`).
// Datasheet: AMS TSL25911 v2-04 (https://ams.com/tsl25911), "Register Set", "ALS Operation", "Interrupts".
//
// sample() never waits: it reads STATUS and both channels in one auto-increment transaction and
// returns undefined until a new integration has completed. "New" is flagged by the no-persist
// interrupt: with NPAILT = 0xFFFF and NPAIHT = 0 every C0 value is out of range, so the chip sets
// NPINTR at each cycle end (datasheet "Interrupts"); the driver clears it with 0xEA after reading.
// Nothing runs between samples while the range is right. When a reading calls for another range
// (./tsl2591-range.ts) the driver sets it and, given `timers`, one timer at the end of the next
// integration re-measures, at most 3 cycles until in range; the in-range reading waits for the
// next sample(). With powerSave and sampleIn(ms), the chip is powered down (PON = 0) between
// samples and woken one measurement ahead of the next. Bus faults go to onError once per
// transition, are counted, and the chip is set up again as soon as it answers with its ID.
import {
  ADDRESS,
  CHIP_ID,
  Command,
  Enable,
  GAIN_FACTORS,
  GAIN_FACTORS_CH1,
  GAIN_NAMES,
  PERSIST_CYCLES,
  Register,
  Status,
  Control,
  integrationMs,
} from "./tsl2591-registers.js";
import { computeLux } from "./tsl2591-lux.js";
import { decide, ladder, type Range } from "./tsl2591-range.js";
import {
  DEFAULT_CONFIGURATION,
  mergeConfiguration,
  type TSL2591Configuration,
  type TSL2591IO,
  type TSL2591Options,
  type TSL2591Sample,
} from "./tsl2591-options.js";

export type {
  TSL2591AlertOptions,
  TSL2591Configuration,
  TSL2591Gain,
  TSL2591IO,
  TSL2591Options,
  TSL2591Sample,
  TSL2591SensorOptions,
  TSL2591Thresholds,
} from "./tsl2591-options.js";

const NP_ALWAYS = Uint8Array.of(0xff, 0xff, 0x00, 0x00); // NPAILT = 0xFFFF, NPAIHT = 0x0000
/**
 * Worst case from wake to an in-range reading: 3 integrations, e.g. 600 ms saturated → 100 → 100 (tsl2591-range.ts).
 */
const WAKE_LEAD_MS = 1_200;
/** A cycle can run a little long (the datasheet's typical step is 101 ms): re-check this soon after. */
const LATE_MS = 10;

export default class TSL2591 {
  readonly #io: TSL2591IO;
  readonly #address: number;
  readonly #onError: ((message: string) => void) | undefined;
  readonly #onAlert: (() => void) | undefined;
  #alert: { close(): void } | undefined;
  #config: TSL2591Configuration;
  #steps: readonly Range[] = [];
  #index = 0;
  #enable = 0;
  #errors = 0;
  #fault: string | undefined;
  #closed = false;
  #timers: TSL2591Options["timers"];
  /** The one timer the driver may have: a re-measure at an integration's end, or a wake-up. */
  #timer: object | undefined;
  #late = 0;
  /** Powered down by power-save until the wake timer. */
  #asleep = false;
  /** Woken by power-save for one reading: power down again once it is in range. */
  #oneShot = false;
  /** A reading taken by a re-measure or a wake-up and not yet returned by sample(). */
  #pending: TSL2591Sample | undefined;

  constructor(options: TSL2591Options) {
    const { sensor, alert, onAlert, onError, timers, ...initial } = options;
    this.#config = mergeConfiguration(DEFAULT_CONFIGURATION, initial);
    this.#onError = onError;
    this.#onAlert = onAlert;
    this.#address = sensor.address ?? ADDRESS;
    this.#io = new sensor.io({ hz: 400_000, address: ADDRESS, ...sensor });
    const where = `0x${this.#address.toString(16)}`;
    let id: number;
    try {
      id = this.#io.readUint8(Command.NORMAL | Register.ID);
    } catch {
      this.#io.close();
      throw new Error(`tsl2591: no answer at ${where} (check wiring)`);
    }
    if (id !== CHIP_ID) {
      this.#io.close();
      throw new Error(`tsl2591: unexpected chip ID 0x${id.toString(16).padStart(2, "0")} at ${where} (want 0x50)`);
    }
    this.#rebuildRanges();
    try {
      this.#setup();
    } catch (error) {
      this.#io.close();
      throw new Error(`tsl2591: setup failed at ${where} (${String((error as Error)?.message ?? error)})`);
    }
    this.#timers = timers;
    this.#remeasure(); // the first reading, and auto-range from the start
    if (alert !== undefined) {
      this.#alert = new alert.io({
        pin: alert.pin,
        mode: alert.mode ?? alert.io.InputPullUp ?? 1,
        edge: alert.edge ?? alert.io.Falling ?? 2,
        onReadable: () => this.#onAlertPin(),
      });
    }
  }

  get configuration(): Readonly<TSL2591Configuration> {
    return Object.freeze({ ...this.#config });
  }

  /** Failed bus operations since construction (each failed sample() or retry counts once). */
  get errors(): number {
    return this.#errors;
  }

  configure(partial: Partial<TSL2591Configuration>): void {
    this.#config = mergeConfiguration(this.#config, partial as Record<string, unknown>);
    this.#rebuildRanges();
    if (this.#closed || this.#fault !== undefined) return; // applied on recovery
    this.#pending = undefined;
    try {
      this.#setup();
      this.#remeasure();
    } catch (error) {
      this.#failed(error);
    }
  }

  /**
   * The next sample() is due in `milliseconds`. With powerSave (and timers, and no interrupt
   * thresholds) the chip is powered down now and woken WAKE_LEAD_MS ahead, so the reading is
   * fresh and in range when sample() comes; two timer turns per sample, none in between.
   * A shorter interval keeps the chip running (no timers at all).
   */
  sampleIn(milliseconds: number): void {
    const c = this.#config;
    if (
      this.#closed ||
      this.#fault !== undefined ||
      !c.powerSave ||
      c.thresholds !== null ||
      this.#timers === undefined
    )
      return;
    if (!(milliseconds > 2 * WAKE_LEAD_MS) || this.#timer !== undefined) return; // too soon, or still settling
    if (this.#asleep || this.#powerDown()) this.#arm(() => this.#wake(true), milliseconds - WAKE_LEAD_MS);
  }

  #powerDown(): boolean {
    try {
      this.#io.writeUint8(Command.NORMAL | Register.ENABLE, 0x00); // PON = 0: sleep (datasheet "Enable Register")
    } catch (error) {
      this.#failed(error);
      return false;
    }
    this.#enable = 0x00;
    this.#asleep = true;
    this.#oneShot = false;
    return true;
  }

  sample(): TSL2591Sample | undefined {
    if (this.#closed) return undefined;
    if (this.#fault !== undefined && !this.#recover()) return undefined;
    if (this.#asleep && this.#pending === undefined) {
      this.#wake(false); // called earlier than sampleIn() announced (the interval was shortened): run again
      return undefined;
    }
    let sample: TSL2591Sample | undefined;
    try {
      sample = this.#measure();
    } catch (error) {
      this.#failed(error);
      return undefined;
    }
    sample ??= this.#pending;
    this.#pending = undefined;
    return sample;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#disarm();
    this.#alert?.close();
    try {
      this.#io.writeUint8(Command.NORMAL | Register.ENABLE, 0x00); // sleep: PON = AEN = 0
    } catch {
      // already unreachable: nothing to power down
    }
    this.#io.close();
  }

  #rebuildRanges(): void {
    const atime = this.#config.integration / 100 - 1;
    const again = GAIN_NAMES.indexOf(this.#config.gain);
    this.#steps = this.#config.autoRange ? ladder(atime) : [{ again, atime }];
    this.#index = Math.max(
      0,
      this.#steps.findIndex((s) => s.again === again && s.atime === atime),
    );
  }

  #control(): number {
    const range = this.#steps[this.#index]!;
    return (range.again << Control.AGAIN_SHIFT) | range.atime;
  }

  /**
   * Full register setup, in the order the datasheet's ALS operation implies: configure with the ADC off, then enable.
   */
  #setup(): void {
    const io = this.#io;
    const c = this.#config;
    io.writeUint8(Command.NORMAL | Register.ENABLE, Enable.PON);
    io.writeUint8(Command.NORMAL | Register.CONTROL, this.#control());
    if (c.thresholds !== null) {
      const { low, high } = c.thresholds;
      io.writeBuffer(Command.NORMAL | Register.AILTL, Uint8Array.of(low & 0xff, low >> 8, high & 0xff, high >> 8));
      io.writeUint8(
        Command.NORMAL | Register.PERSIST,
        PERSIST_CYCLES.indexOf(c.persistence as (typeof PERSIST_CYCLES)[number]),
      );
    }
    io.writeBuffer(Command.NORMAL | Register.NPAILTL, NP_ALWAYS);
    io.sendByte(Command.CLEAR_ALL_INTERRUPTS);
    this.#enable = Enable.PON | Enable.AEN | (c.thresholds !== null ? Enable.AIEN : 0);
    io.writeUint8(Command.NORMAL | Register.ENABLE, this.#enable);
    this.#asleep = false;
    this.#oneShot = false;
  }

  /** Range change: stop the ADC, set gain/time, drop the stale data flag, restart. */
  #changeRange(): void {
    const io = this.#io;
    io.writeUint8(Command.NORMAL | Register.ENABLE, Enable.PON);
    io.writeUint8(Command.NORMAL | Register.CONTROL, this.#control());
    io.sendByte(Command.CLEAR_NP_INTERRUPT);
    io.writeUint8(Command.NORMAL | Register.ENABLE, this.#enable);
  }

  #measure(): TSL2591Sample | undefined {
    if (this.#asleep) return undefined;
    const io = this.#io;
    // STATUS, C0DATAL/H, C1DATAL/H in one auto-increment read: C0 is read first, so the chip
    // latches both channels of the same cycle (Adafruit_TSL2591 getFullLuminosity: CH0 before CH1).
    const b = new Uint8Array(io.readBuffer(Command.NORMAL | Register.STATUS, 5));
    const status = b[0]!;
    if ((status & Status.AINT) !== 0 && this.#config.thresholds !== null) {
      io.sendByte(Command.CLEAR_ALS_INTERRUPT);
      this.#onAlert?.();
    }
    if ((status & Status.NPINTR) === 0) {
      this.#checkSettings();
      return undefined;
    }
    const full = b[1]! | (b[2]! << 8);
    const ir = b[3]! | (b[4]! << 8);
    const range = this.#steps[this.#index]!;
    const decision = decide(this.#steps, this.#index, full, ir);
    if (decision.next !== this.#index) {
      this.#index = decision.next;
      this.#changeRange();
      this.#remeasure();
    } else {
      io.sendByte(Command.CLEAR_NP_INTERRUPT);
    }
    return decision.report ? this.#sampleOf(full, ir, range) : undefined;
  }

  /** With timers: one timer at the end of the integration now running, to read it. */
  #remeasure(): void {
    this.#late = 0;
    this.#arm(() => this.#settle(), this.#cycleMs());
  }

  #cycleMs(): number {
    return integrationMs(this.#steps[this.#index]!.atime);
  }

  #arm(callback: () => void, milliseconds: number): void {
    if (this.#timers === undefined) return;
    this.#disarm();
    this.#timer = this.#timers.set(() => {
      this.#timer = undefined;
      callback();
    }, milliseconds);
  }

  #disarm(): void {
    if (this.#timer === undefined) return;
    this.#timers?.clear(this.#timer);
    this.#timer = undefined;
  }

  /** Timer at an integration's end: keep an in-range reading for sample(), or step the range again. */
  #settle(): void {
    if (this.#closed || this.#fault !== undefined) return;
    try {
      const sample = this.#measure();
      if (sample !== undefined) {
        this.#pending = sample;
        if (this.#oneShot) this.#powerDown();
      } else if (this.#timer === undefined && this.#late++ < 5) this.#arm(() => this.#settle(), LATE_MS); // cycle not over yet
    } catch (error) {
      this.#failed(error);
    }
  }

  /**
   * Power-save wake-up: set the chip up again (a brown-out while asleep is repaired too) and read
   * it at the integration's end; `oneShot`: power down again once the reading is in range.
   */
  #wake(oneShot: boolean): void {
    if (this.#closed || this.#fault !== undefined) return;
    this.#pending = undefined;
    try {
      this.#setup();
      this.#oneShot = oneShot;
      this.#remeasure();
    } catch (error) {
      this.#failed(error);
    }
  }

  #sampleOf(full: number, ir: number, range: Range): TSL2591Sample {
    const gainFactor = GAIN_FACTORS[range.again]!;
    const irGainFactor = GAIN_FACTORS_CH1[range.again]!;
    const integration = integrationMs(range.atime);
    const calibration = this.#config.deviceFactor * this.#config.glassAttenuation;
    const lux = computeLux(full, ir, integration, gainFactor, irGainFactor, calibration);
    return {
      illuminance: lux.illuminance,
      saturated: lux.saturated,
      lowerBound: lux.lowerBound,
      full,
      ir,
      visible: Math.max(0, full - ir),
      gain: GAIN_NAMES[range.again]!,
      gainFactor,
      irGainFactor,
      integration,
      calibration,
      irRich: lux.irRich,
    };
  }

  /** No new data: make sure the chip still holds our settings (a brown-out resets it silently). */
  #checkSettings(): void {
    const enable = this.#io.readUint8(Command.NORMAL | Register.ENABLE);
    if (enable === this.#enable) return;
    this.#errors++;
    this.#onError?.(`tsl2591: chip at 0x${this.#address.toString(16)} lost its settings (power glitch?); set up again`);
    this.#setup();
  }

  #recover(): boolean {
    let id: number;
    try {
      id = this.#io.readUint8(Command.NORMAL | Register.ID);
    } catch {
      this.#errors++;
      return false;
    }
    if (id !== CHIP_ID) {
      this.#errors++;
      this.#report(
        `tsl2591: unexpected chip ID 0x${id.toString(16).padStart(2, "0")} at 0x${this.#address.toString(16)} (want 0x50)`,
      );
      return false;
    }
    try {
      this.#setup();
    } catch (error) {
      this.#failed(error);
      return false;
    }
    this.#fault = undefined;
    this.#remeasure();
    return true;
  }

  #failed(error: unknown): void {
    this.#errors++;
    const reason = error instanceof Error ? error.message : String(error);
    this.#report(`tsl2591: no answer at 0x${this.#address.toString(16)} (${reason})`);
  }

  #report(message: string): void {
    if (message === this.#fault) return;
    this.#fault = message;
    this.#onError?.(message);
  }

  #onAlertPin(): void {
    if (this.#closed || this.#fault !== undefined) return;
    try {
      const status = this.#io.readUint8(Command.NORMAL | Register.STATUS);
      if ((status & Status.AINT) === 0) return;
      this.#io.sendByte(Command.CLEAR_ALS_INTERRUPT);
      this.#onAlert?.();
    } catch (error) {
      this.#failed(error);
    }
  }
}
