// TSL2591 ambient-light sensor, ECMA-419 Sensor Class Pattern (`embedded:sensor/AmbientLight/TSL2591`).
// Datasheet: AMS TSL25911 v2-04 (https://ams.com/tsl25911); register facts in docs/tsl2591.md.
//
// The ADC runs continuously (PON|AEN) and sample() never waits for it: it reads STATUS and both
// channels in one auto-increment transaction and returns undefined until a new integration has
// completed. "New" is flagged by the no-persist interrupt: with NPAILT = 0xFFFF and NPAIHT = 0
// every C0 value is out of range, so the chip sets NPINTR at each cycle end (datasheet
// "Interrupts"); sample() clears it with 0xEA after reading. With powerSave the same flag, made
// visible by NPIEN, drives sleep-after-interrupt (SAI): the chip does one integration after each
// sample and sleeps until the next one. Auto-range (./tsl2591-range.ts) moves gain and
// integration time and re-measures before reporting. Bus faults go to onError once per
// transition, are counted, and the chip is set up again as soon as it answers with its ID.
import { ADDRESS, CHIP_ID, Command, Enable, GAIN_FACTORS, GAIN_NAMES, PERSIST_CYCLES, Register, Status, Control, integrationMs } from "./tsl2591-registers.js";
import { computeLux } from "./tsl2591-lux.js";
import { decide, ladder, type Range } from "./tsl2591-range.js";
import { DEFAULT_CONFIGURATION, mergeConfiguration, type TSL2591Configuration, type TSL2591IO, type TSL2591Options, type TSL2591Sample } from "./tsl2591-options.js";

export type {
  TSL2591AlertOptions, TSL2591Configuration, TSL2591Gain, TSL2591IO, TSL2591Options, TSL2591Sample, TSL2591SensorOptions, TSL2591Thresholds,
} from "./tsl2591-options.js";

const NP_ALWAYS = Uint8Array.of(0xFF, 0xFF, 0x00, 0x00); // NPAILT = 0xFFFF, NPAIHT = 0x0000
const TRACK_MS = 50; // background poll period with `timers`: half the shortest integration

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
  #tracker: object | undefined;
  /** A reading taken by the background poll and not yet returned by sample(). */
  #pending: TSL2591Sample | undefined;

  constructor(options: TSL2591Options) {
    const { sensor, alert, onAlert, onError, timers, ...initial } = options;
    this.#config = mergeConfiguration(DEFAULT_CONFIGURATION, initial);
    if (alert !== undefined && this.#config.powerSave) throw new RangeError("tsl2591: powerSave cannot be used with an alert pin (INT signals every one-shot cycle)");
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
    this.#tracker = timers?.repeat(() => this.#track(), TRACK_MS);
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
    const next = mergeConfiguration(this.#config, partial as Record<string, unknown>);
    if (next.powerSave && this.#alert !== undefined) throw new RangeError("tsl2591: powerSave cannot be used with an alert pin (INT signals every one-shot cycle)");
    this.#config = next;
    this.#rebuildRanges();
    if (this.#closed || this.#fault !== undefined) return; // applied on recovery
    try {
      this.#setup();
    } catch (error) {
      this.#failed(error);
    }
  }

  sample(): TSL2591Sample | undefined {
    if (this.#closed) return undefined;
    if (this.#fault !== undefined && !this.#recover()) return undefined;
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
    this.#timers?.clear(this.#tracker);
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
    this.#index = Math.max(0, this.#steps.findIndex((s) => s.again === again && s.atime === atime));
  }

  #control(): number {
    const range = this.#steps[this.#index]!;
    return (range.again << Control.AGAIN_SHIFT) | range.atime;
  }

  /** Full register setup, in the order the datasheet's ALS operation implies: configure with the ADC off, then enable. */
  #setup(): void {
    const io = this.#io;
    const c = this.#config;
    io.writeUint8(Command.NORMAL | Register.ENABLE, Enable.PON);
    io.writeUint8(Command.NORMAL | Register.CONTROL, this.#control());
    if (c.thresholds !== null) {
      const { low, high } = c.thresholds;
      io.writeBuffer(Command.NORMAL | Register.AILTL, Uint8Array.of(low & 0xFF, low >> 8, high & 0xFF, high >> 8));
      io.writeUint8(Command.NORMAL | Register.PERSIST, PERSIST_CYCLES.indexOf(c.persistence as (typeof PERSIST_CYCLES)[number]));
    }
    io.writeBuffer(Command.NORMAL | Register.NPAILTL, NP_ALWAYS);
    io.sendByte(Command.CLEAR_ALL_INTERRUPTS);
    this.#enable = Enable.PON | Enable.AEN | (c.thresholds !== null ? Enable.AIEN : 0) | (c.powerSave ? Enable.NPIEN | Enable.SAI : 0);
    io.writeUint8(Command.NORMAL | Register.ENABLE, this.#enable);
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
    const io = this.#io;
    // STATUS, C0DATAL/H, C1DATAL/H in one auto-increment read: C0 is read first, so the chip
    // latches both channels of the same cycle (docs/tsl2591.md §2).
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
    } else {
      io.sendByte(Command.CLEAR_NP_INTERRUPT);
    }
    return decision.report ? this.#sampleOf(full, ir, range) : undefined;
  }

  #sampleOf(full: number, ir: number, range: Range): TSL2591Sample {
    const gainFactor = GAIN_FACTORS[range.again]!;
    const integration = integrationMs(range.atime);
    const calibration = this.#config.deviceFactor * this.#config.glassAttenuation;
    const lux = computeLux(full, ir, integration, gainFactor, calibration);
    return {
      illuminance: lux.illuminance,
      saturated: lux.saturated,
      lowerBound: lux.lowerBound,
      full,
      ir,
      visible: Math.max(0, full - ir),
      gain: GAIN_NAMES[range.again]!,
      gainFactor,
      integration,
      calibration,
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
      this.#report(`tsl2591: unexpected chip ID 0x${id.toString(16).padStart(2, "0")} at 0x${this.#address.toString(16)} (want 0x50)`);
      return false;
    }
    try {
      this.#setup();
    } catch (error) {
      this.#failed(error);
      return false;
    }
    this.#fault = undefined;
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

  /** Background poll (with `timers`): keeps auto-range tracking; faults wait for sample(). */
  #track(): void {
    if (this.#closed || this.#fault !== undefined || this.#config.powerSave) return;
    try {
      this.#pending = this.#measure() ?? this.#pending;
    } catch (error) {
      this.#failed(error);
    }
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
