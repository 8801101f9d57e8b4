// A register-accurate TSL2591 on the simulated I2C bus (datasheet v2-04 "Register Set",
// "Command Register", "ALS Operation", "Interrupts"), built from its own reading of the
// datasheet (./tsl2591-datasheet.ts), never from the driver's tables. Pure TypeScript.
// - COMMAND byte: 0xA0|reg sets the pointer (auto-increment on reads and writes); 0xE0|sf runs a
//   special function (0xE4 force, 0xE6/0xE7/0xEA clear); everything else is NACKed.
// - ADC on the injected clock: a cycle of (ATIME+1)×stepMs starts when PON and AEN are both set;
//   at each cycle end the channels update (the scene's spectrum and lux collected over the cycle
//   through each diode's responsivity and gain, ./tsl2591-adc.ts), AVALID is set,
//   thresholds are compared against C0 and the persistence filter runs. Counts clamp at 36863
//   (100 ms) or 65535. Reading C0DATAL snapshots all four data bytes (CH0-before-CH1 latching).
// - INT pin: active low while (AINT && AIEN) || (NPINTR && NPIEN); SAI sleeps the ADC after a
//   cycle that asserted it, until the interrupt is cleared. Watchers get edges if timers are given.
// - Faults: unplug()/replug() (replug = power-on reset), nack (NACK everything), chipId, nackNext.
import type { I2CTarget } from "../io/i2c.js";
import type { Timers, TimerHandle } from "../../src/platform.js";
import type { Scene } from "./light-spectra.js";
import {
  Gaussian,
  TYPICAL_PART,
  compareThresholds,
  drawPart,
  integrate,
  interruptLevel,
  specialFunction,
  type Part,
} from "./tsl2591-adc.js";
import {
  ADDR_SF_MASK,
  AGAIN_BITS,
  AGAIN_SHIFT,
  ATIME_BITS,
  ATIME_LAST_VALID,
  CMD_BIT,
  CONFIG_SRESET,
  EN,
  EN_DEFINED,
  ID_VALUE,
  REG,
  ST,
  TRANSACTION_NORMAL,
  TRANSACTION_SHIFT,
  TRANSACTION_SPECIAL,
  fullScale,
} from "./tsl2591-datasheet.js";

export interface Tsl2591ModelOptions {
  clock: { now(): number };
  scene: Scene;
  /** When given, the model schedules its cycle ends so INT pin watchers see edges in time. */
  timers?: Timers;
  /** Length of one ATIME step in ms (nominal 100; the datasheet's typical is 101). */
  stepMs?: number;
  /** Relative standard deviation of extra count noise (0 = none), from a seeded generator. */
  noise?: number;
  /** Photon shot noise on the counts (default false), from the same seeded generator. */
  shotNoise?: boolean;
  /** Part-to-part spread: relative standard deviation of each channel's responsivity (default 0: a typical part). */
  spread?: number;
  seed?: number;
  /** Clock time that scene time 0 stands for (default: when the model is created). */
  epoch?: number;
}

export class Tsl2591Model implements I2CTarget {
  /** Value returned by the ID register; set to something else to simulate a wrong part. */
  chipId = ID_VALUE;
  /** NACK every transaction while true (a stuck or browned-out device). */
  nack = false;
  /** Number of upcoming transactions to NACK (transient bus errors). */
  nackNext = 0;

  readonly #clock: { now(): number };
  readonly #scene: Scene;
  readonly #timers: Timers | undefined;
  readonly #stepMs: number;
  readonly #noise: number;
  readonly #shotNoise: boolean;
  readonly #random: Gaussian;
  /** This part's responsivity factors and dark counts. */
  readonly part: Part;
  readonly #start: number;
  readonly #regs = new Uint8Array(0x20);
  readonly #snapshot = new Uint8Array(4);
  #c0 = 0;
  #c1 = 0;
  #pointer = 0;
  #cycleStart = 0;
  #asleep = false;
  #outOfRange = 0;
  #present = true;
  #unplugWindow: [number, number] | undefined;
  #pin = false;
  #cycles = 0;
  #timer: TimerHandle | undefined;
  readonly #watchers = new Set<(asserted: boolean) => void>();

  constructor(options: Tsl2591ModelOptions) {
    this.#clock = options.clock;
    this.#scene = options.scene;
    this.#timers = options.timers;
    this.#stepMs = options.stepMs ?? 100;
    this.#noise = options.noise ?? 0;
    this.#shotNoise = options.shotNoise ?? false;
    this.#random = new Gaussian(options.seed ?? 1);
    this.part = (options.spread ?? 0) > 0 ? drawPart(options.spread!, this.#random) : TYPICAL_PART;
    this.#start = options.epoch ?? this.#clock.now();
  }

  // ---- I2CTarget ----
  write(bytes: Uint8Array): boolean {
    if (!this.#answers()) return false;
    this.#advance();
    const command = bytes[0];
    if (command === undefined || (command & CMD_BIT) === 0) return false;
    const transaction = (command >> TRANSACTION_SHIFT) & 0b11;
    let ack = true;
    if (transaction === TRANSACTION_NORMAL) {
      this.#pointer = command & ADDR_SF_MASK;
      for (let i = 1; i < bytes.length && ack; i++) ack = this.#writeRegister(this.#pointer++, bytes[i]!);
    } else if (transaction === TRANSACTION_SPECIAL && bytes.length === 1) {
      ack = this.#special(command & ADDR_SF_MASK);
    } else {
      ack = false; // reserved transaction types, or data after a special function
    }
    this.#update();
    return ack;
  }

  read(count: number): Uint8Array | undefined {
    if (!this.#answers()) return undefined;
    this.#advance();
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = this.#readRegister(this.#pointer++);
    return out;
  }

  // ---- observation and faults ----
  /** Completed integration cycles since power-on (for tests and benchmarks). */
  get cycles(): number {
    this.#advance();
    return this.#cycles;
  }

  /** INT pin level as a logic value: true = asserted (pulled low). */
  get interruptAsserted(): boolean {
    this.#advance();
    return this.#pin;
  }

  /** Calls `listener` on every INT change (needs `timers` for edges between bus accesses). */
  watchInterrupt(listener: (asserted: boolean) => void): () => void {
    this.#watchers.add(listener);
    this.#update();
    return () => this.#watchers.delete(listener);
  }

  /** Register contents as the bus would read them, without side effects (tests). */
  peek(register: number): number {
    this.#advance();
    return register === REG.STATUS ? this.#status() : this.#regs[register & 0x1f]!;
  }

  get present(): boolean {
    this.#plug();
    return this.#present;
  }

  unplug(): void {
    this.#present = false;
    this.#update();
  }

  /** Plugging back in powers the chip up fresh: every register at its power-on value. */
  replug(): void {
    if (!this.#present) this.#powerOnReset();
    this.#present = true;
  }

  /** Unplugged from `at` until `until` (clock ms, absolute); evaluated lazily on each access. */
  unplugBetween(at: number, until: number): void {
    this.#unplugWindow = [at, until];
  }

  // ---- internals ----
  /** Applies a scheduled unplug/replug window. */
  #plug(): void {
    if (this.#unplugWindow === undefined) return;
    const now = this.#clock.now();
    const [at, until] = this.#unplugWindow;
    if (now >= at && now < until) this.#present = false;
    else if (now >= until) {
      this.#unplugWindow = undefined;
      this.replug();
    }
  }

  /** Whether this transaction is acknowledged (consumes one `nackNext`). */
  #answers(): boolean {
    this.#plug();
    if (!this.#present || this.nack) return false;
    if (this.nackNext <= 0) return true;
    this.nackNext--;
    return false;
  }

  #powerOnReset(): void {
    this.#regs.fill(0);
    this.#snapshot.fill(0);
    this.#c0 = this.#c1 = 0;
    this.#asleep = false;
    this.#outOfRange = 0;
    this.#cycles = 0;
  }

  #running(): boolean {
    const enable = this.#regs[REG.ENABLE]!;
    return this.#present && (enable & (EN.PON | EN.AEN)) === (EN.PON | EN.AEN) && !this.#asleep;
  }

  #cycleMs(): number {
    return ((this.#regs[REG.CONFIG]! & ATIME_BITS) + 1) * this.#stepMs;
  }

  #writeRegister(register: number, value: number): boolean {
    switch (register) {
      case REG.ENABLE: {
        const wasRunning = this.#running();
        this.#regs[REG.ENABLE] = value & EN_DEFINED;
        const off = (value & (EN.PON | EN.AEN)) !== (EN.PON | EN.AEN);
        // AVALID means a cycle completed since AEN was set (ams TSL2591 datasheet, STATUS
        // register 0x13), so it clears when PON or AEN goes to 0; a restart begins a fresh cycle.
        if (off) {
          this.#regs[REG.STATUS] = this.#regs[REG.STATUS]! & ~ST.AVALID;
          this.#asleep = false;
        }
        if (!wasRunning && this.#running()) this.#cycleStart = this.#clock.now();
        return true;
      }
      case REG.CONFIG: {
        if ((value & CONFIG_SRESET) !== 0) {
          // Reset equivalent to power-on (datasheet, CONTROL register 0x01, SRESET); the part may not
          // acknowledge this write, which Zephyr's drivers/sensor/ams/tsl2591/tsl2591.c ignores.
          this.#powerOnReset();
          return false;
        }
        if ((value & ATIME_BITS) > ATIME_LAST_VALID) return false; // ATIME 110/111 invalid
        this.#regs[REG.CONFIG] = value & (AGAIN_BITS | ATIME_BITS);
        this.#cycleStart = this.#clock.now(); // new settings: integration restarts
        this.#regs[REG.STATUS] = this.#regs[REG.STATUS]! & ~ST.AVALID;
        return true;
      }
      case REG.PERSIST:
        this.#regs[register] = value & 0x0f;
        return true;
      default:
        if (register >= REG.AILTL && register <= REG.NPAIHTH) this.#regs[register] = value;
        return true; // read-only and undefined registers ignore writes
    }
  }

  #readRegister(register: number): number {
    const r = register & 0xff;
    if (r === REG.C0DATAL) {
      this.#snapshot.set([this.#c0 & 0xff, this.#c0 >> 8, this.#c1 & 0xff, this.#c1 >> 8]);
    }
    if (r >= REG.C0DATAL && r <= REG.C1DATAH) return this.#snapshot[r - REG.C0DATAL]!;
    if (r === REG.ID) return this.chipId;
    if (r === REG.STATUS) return this.#status();
    if (r === REG.PID) return 0x00;
    return r < 0x20 ? this.#regs[r]! : 0;
  }

  #status(): number {
    return this.#regs[REG.STATUS]! & (ST.NPINTR | ST.AINT | ST.AVALID);
  }

  #special(sf: number): boolean {
    if (!specialFunction(this.#regs, sf)) return false; // reserved special functions
    if (this.#asleep && !interruptLevel(this.#regs)) {
      this.#asleep = false; // sleep-after-interrupt resumes once the interrupt is cleared
      this.#cycleStart = this.#clock.now();
    }
    return true;
  }

  /** Completes every integration cycle that ended by now. */
  #advance(): void {
    this.#plug();
    const now = this.#clock.now();
    const length = this.#cycleMs();
    // After a very long idle stretch only the last cycles matter (data and persistence).
    const behind = Math.floor((now - this.#cycleStart) / length);
    if (behind > 1000) this.#cycleStart += (behind - 100) * length;
    while (this.#running() && now >= this.#cycleStart + length) {
      const end = this.#cycleStart + length;
      this.#completeCycle(this.#cycleStart, end);
      this.#cycleStart = end;
    }
    this.#notify();
  }

  #completeCycle(start: number, end: number): void {
    this.#cycles++;
    const config = this.#regs[REG.CONFIG]!;
    const again = (config & AGAIN_BITS) >> AGAIN_SHIFT;
    const max = fullScale(config & ATIME_BITS);
    const window = {
      start: start - this.#start,
      end: end - this.#start,
      again,
      max,
      noise: this.#noise,
      shotNoise: this.#shotNoise,
    };
    const counts = integrate(this.#scene, window, this.part, this.#random);
    this.#c0 = counts.c0;
    this.#c1 = counts.c1;
    this.#regs[REG.STATUS] = this.#regs[REG.STATUS]! | ST.AVALID;
    this.#outOfRange = compareThresholds(this.#regs, this.#c0, this.#outOfRange);
    if ((this.#regs[REG.ENABLE]! & EN.SAI) !== 0 && interruptLevel(this.#regs)) this.#asleep = true;
  }

  #notify(): void {
    const level = this.#present && interruptLevel(this.#regs);
    if (level === this.#pin) return;
    this.#pin = level;
    for (const watcher of this.#watchers) watcher(level);
  }

  /** Keeps a timer on the next cycle end while someone watches the INT pin. */
  #update(): void {
    this.#notify();
    if (this.#timers === undefined) return;
    this.#timers.clear(this.#timer);
    this.#timer = undefined;
    if (this.#watchers.size === 0 || !this.#running()) return;
    const due = this.#cycleStart + this.#cycleMs() - this.#clock.now();
    this.#timer = this.#timers.set(
      () => {
        this.#timer = undefined;
        this.#advance();
        this.#update();
      },
      Math.max(0, due),
    );
  }
}
