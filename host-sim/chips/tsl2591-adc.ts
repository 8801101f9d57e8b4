// Pure parts of the TSL2591 chip model: the two ADC channels (the scene's light averaged over
// one integration window, turned into counts by inverting the lux formula of docs/tsl2591.md §4
// with the chip's own gain, optional seeded noise, clamped at full scale, §3) and the interrupt
// rules on the register file (§6).
import type { Scene } from "../scene.js";
import { Command, Enable, PERSIST_CYCLES, Register, Status } from "../../drivers/tsl2591/tsl2591-registers.js";

/** The chip's own gain per AGAIN and lux divisor ("truth" for the simulation; docs §3, §4). */
export const MODEL_GAINS = Object.freeze([1, 25, 428, 9876]);
export const MODEL_DIVISOR = 408;

export interface Integration {
  /** Window in scene time (ms since the simulator started). */
  start: number;
  end: number;
  gain: number;
  /** Full-scale count for this integration time. */
  max: number;
  /** Relative standard deviation of the counts; 0 = exact. */
  noise: number;
}

/** Deterministic normal deviates: Box-Muller over a xorshift32 generator. */
export class Gaussian {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0 || 1;
  }

  #uniform(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return (this.#state + 1) / 4294967297;
  }

  next(): number {
    return Math.sqrt(-2 * Math.log(this.#uniform())) * Math.cos(2 * Math.PI * this.#uniform());
  }
}

/** CH0 and CH1 counts for one integration; light sampled each millisecond so flicker averages out. */
export function integrate(scene: Scene, window: Integration, random: Gaussian): { c0: number; c1: number } {
  const ms = window.end - window.start;
  const samples = Math.max(1, Math.round(ms));
  let lux = 0;
  let ir = 0;
  for (let i = 0; i < samples; i++) {
    const light = scene(window.start + (i + 0.5) * (ms / samples));
    lux += light.lux;
    ir += light.irFraction;
  }
  lux /= samples;
  ir /= samples;
  // Inverse of lux = DF × ch0 × (1 − f)² / (ms × gain), with ch1 = f × ch0 (f = IR share).
  const full = (lux * ms * window.gain) / (MODEL_DIVISOR * (1 - ir) * (1 - ir));
  const noisy = window.noise > 0 ? full * (1 + window.noise * random.next()) : full;
  return {
    c0: Math.min(window.max, Math.max(0, Math.round(noisy))),
    c1: Math.min(window.max, Math.max(0, Math.round(noisy * ir))),
  };
}

/**
 * End-of-cycle threshold comparison on C0 only (docs/tsl2591.md §6), on the register file:
 * updates AINT/NPINTR in STATUS and returns the new count of consecutive out-of-range cycles.
 */
export function compareThresholds(regs: Uint8Array, c0: number, outOfRange: number): number {
  const word = (at: number): number => regs[at]! | (regs[at + 1]! << 8);
  const apers = regs[Register.PERSIST]! & 0x0F;
  const count = c0 < word(Register.AILTL) || c0 > word(Register.AIHTL) ? outOfRange + 1 : 0;
  if (apers === 0 || count >= PERSIST_CYCLES[apers]!) regs[Register.STATUS] = regs[Register.STATUS]! | Status.AINT;
  if (c0 < word(Register.NPAILTL) || c0 > word(Register.NPAIHTL)) regs[Register.STATUS] = regs[Register.STATUS]! | Status.NPINTR;
  return count;
}

/** Special-function command on STATUS (docs §1); false for a reserved function (NACK). */
export function specialFunction(regs: Uint8Array, command: number): boolean {
  const status = regs[Register.STATUS]!;
  switch (command) {
    case Command.FORCE_INTERRUPT: regs[Register.STATUS] = status | Status.AINT | Status.NPINTR; return true;
    case Command.CLEAR_ALS_INTERRUPT: regs[Register.STATUS] = status & ~Status.AINT; return true;
    case Command.CLEAR_ALL_INTERRUPTS: regs[Register.STATUS] = status & ~(Status.AINT | Status.NPINTR); return true;
    case Command.CLEAR_NP_INTERRUPT: regs[Register.STATUS] = status & ~Status.NPINTR; return true;
    default: return false;
  }
}

/** INT pin: asserted while (AINT && AIEN) || (NPINTR && NPIEN) (docs §6). */
export function interruptLevel(regs: Uint8Array): boolean {
  const enable = regs[Register.ENABLE]!;
  const status = regs[Register.STATUS]!;
  return ((status & Status.AINT) !== 0 && (enable & Enable.AIEN) !== 0) ||
    ((status & Status.NPINTR) !== 0 && (enable & Enable.NPIEN) !== 0);
}
