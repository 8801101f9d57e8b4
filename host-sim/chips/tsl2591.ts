// A register-accurate TSL2591 on the simulated I2C bus (docs/tsl2591.md; datasheet v2-04
// "Register Set", "Command Register", "ALS Operation", "Interrupts").
// - COMMAND byte: 0xA0|reg sets the pointer (auto-increment on reads and writes); 0xE0|sf runs a
//   special function (0xE4 force, 0xE6/0xE7/0xEA clear); everything else is NACKed.
// - ADC on the injected clock: a cycle of (ATIME+1)×stepMs starts when PON and AEN are both set;
//   at each cycle end the channels update (scene light averaged over the cycle), AVALID is set,
//   thresholds are compared against C0 and the persistence filter runs. Counts clamp at 36863
//   (100 ms) or 65535. Reading C0DATAL snapshots all four data bytes (CH0-before-CH1 latching).
// - INT pin: active low while (AINT && AIEN) || (NPINTR && NPIEN); SAI sleeps the ADC after a
//   cycle that asserted it, until the interrupt is cleared. Watchers get edges if timers are given.
// - Faults: unplug()/replug() (replug = power-on reset), nack (NACK everything), chipId, nackNext.
import type { I2CTarget } from "../io/i2c.js";
import type { Timers, TimerHandle } from "../../src/platform.js";
import type { Scene } from "../scene.js";
import { Gaussian, MODEL_GAINS, compareThresholds, integrate, interruptLevel, specialFunction } from "./tsl2591-adc.js";
import { CHIP_ID, Command, Control, Enable, Register, Status, maxCount } from "../../drivers/tsl2591/tsl2591-registers.js";

export interface Tsl2591ModelOptions {
  clock: { now(): number };
  scene: Scene;
  /** When given, the model schedules its cycle ends so INT pin watchers see edges in time. */
  timers?: Timers;
  /** Length of one ATIME step in ms (nominal 100; the datasheet's typical is 101). */
  stepMs?: number;
  /** Relative standard deviation of count noise (0 = none), from a seeded generator. */
  noise?: number;
  seed?: number;
  /** Clock time that scene time 0 stands for (default: when the model is created). */
  epoch?: number;
}

export class Tsl2591Model implements I2CTarget {
  /** Value returned by the ID register; set to something else to simulate a wrong part. */
  chipId = CHIP_ID;
  /** NACK every transaction while true (a stuck or browned-out device). */
  nack = false;
  /** Number of upcoming transactions to NACK (transient bus errors). */
  nackNext = 0;

  readonly #clock: { now(): number };
  readonly #scene: Scene;
  readonly #timers: Timers | undefined;
  readonly #stepMs: number;
  readonly #noise: number;
  readonly #random: Gaussian;
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
    this.#random = new Gaussian(options.seed ?? 1);
    this.#start = options.epoch ?? this.#clock.now();
  }

  // ---- I2CTarget ----
  write(bytes: Uint8Array): boolean {
    if (!this.#answers()) return false;
    this.#advance();
    const command = bytes[0];
    if (command === undefined || (command & Command.CMD) === 0) return false;
    const transaction = command & Command.TRANSACTION_MASK;
    let ack = true;
    if (transaction === (Command.NORMAL & Command.TRANSACTION_MASK)) {
      this.#pointer = command & Command.ADDRESS_MASK;
      for (let i = 1; i < bytes.length && ack; i++) ack = this.#writeRegister(this.#pointer++, bytes[i]!);
    } else if (transaction === (Command.SPECIAL & Command.TRANSACTION_MASK) && bytes.length === 1) {
      ack = this.#special(command);
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
    return register === Register.STATUS ? this.#status() : this.#regs[register & 0x1F]!;
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
    const enable = this.#regs[Register.ENABLE]!;
    return this.#present && (enable & (Enable.PON | Enable.AEN)) === (Enable.PON | Enable.AEN) && !this.#asleep;
  }

  #cycleMs(): number {
    return ((this.#regs[Register.CONTROL]! & Control.ATIME_MASK) + 1) * this.#stepMs;
  }

  #writeRegister(register: number, value: number): boolean {
    switch (register) {
      case Register.ENABLE: {
        const wasRunning = this.#running();
        this.#regs[Register.ENABLE] = value & Enable.WRITABLE;
        const off = (value & (Enable.PON | Enable.AEN)) !== (Enable.PON | Enable.AEN);
        // AVALID clears when PON or AEN goes to 0 (docs §3); a restart begins a fresh cycle.
        if (off) {
          this.#regs[Register.STATUS] = this.#regs[Register.STATUS]! & ~Status.AVALID;
          this.#asleep = false;
        }
        if (!wasRunning && this.#running()) this.#cycleStart = this.#clock.now();
        return true;
      }
      case Register.CONTROL: {
        if ((value & Control.SRESET) !== 0) {
          // Reset equivalent to power-on; the part may not acknowledge this write (docs §2).
          this.#powerOnReset();
          return false;
        }
        if ((value & Control.ATIME_MASK) > Control.ATIME_MAX) return false; // ATIME 110/111 invalid
        this.#regs[Register.CONTROL] = value & (Control.AGAIN_MASK | Control.ATIME_MASK);
        this.#cycleStart = this.#clock.now(); // new settings: integration restarts
        this.#regs[Register.STATUS] = this.#regs[Register.STATUS]! & ~Status.AVALID;
        return true;
      }
      case Register.PERSIST:
        this.#regs[register] = value & 0x0F;
        return true;
      default:
        if (register >= Register.AILTL && register <= Register.NPAIHTL + 1) this.#regs[register] = value;
        return true; // read-only and undefined registers ignore writes
    }
  }

  #readRegister(register: number): number {
    const r = register & 0xFF;
    if (r === Register.C0DATAL) {
      this.#snapshot.set([this.#c0 & 0xFF, this.#c0 >> 8, this.#c1 & 0xFF, this.#c1 >> 8]);
    }
    if (r >= Register.C0DATAL && r <= Register.C1DATAL + 1) return this.#snapshot[r - Register.C0DATAL]!;
    if (r === Register.ID) return this.chipId;
    if (r === Register.STATUS) return this.#status();
    if (r === Register.PID) return 0x00;
    return r < 0x20 ? this.#regs[r]! : 0;
  }

  #status(): number {
    return this.#regs[Register.STATUS]! & (Status.NPINTR | Status.AINT | Status.AVALID);
  }

  #special(command: number): boolean {
    if (!specialFunction(this.#regs, command)) return false; // reserved special functions
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
    const control = this.#regs[Register.CONTROL]!;
    const gain = MODEL_GAINS[(control & Control.AGAIN_MASK) >> Control.AGAIN_SHIFT]!;
    const max = maxCount(((control & Control.ATIME_MASK) + 1) * 100);
    const counts = integrate(this.#scene, { start: start - this.#start, end: end - this.#start, gain, max, noise: this.#noise }, this.#random);
    this.#c0 = counts.c0;
    this.#c1 = counts.c1;
    this.#regs[Register.STATUS] = this.#regs[Register.STATUS]! | Status.AVALID;
    this.#outOfRange = compareThresholds(this.#regs, this.#c0, this.#outOfRange);
    if ((this.#regs[Register.ENABLE]! & Enable.SAI) !== 0 && interruptLevel(this.#regs)) this.#asleep = true;
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
    this.#timer = this.#timers.set(() => {
      this.#timer = undefined;
      this.#advance();
      this.#update();
    }, Math.max(0, due));
  }
}
