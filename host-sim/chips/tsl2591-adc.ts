// Pure parts of the TSL2591 chip model: the two ADC channels and the interrupt rules on the
// register file. The light is physical: a scene gives a source spectrum and an illuminance (by
// V(λ)); each channel collects the spectrum through its own responsivity curve, scaled to the
// datasheet's irradiance responsivity table (./tsl2591-datasheet.ts), times its own gain, plus
// dark current, optional part-to-part spread and shot noise. Nothing here knows a lux formula.
import { collected, irLedSpectrum, irradiance, lux, spectrum, type Light, type SourceName } from "./light-spectra.js";
import {
  APERS_CYCLES,
  DARK_AT,
  DARK_MAX_COUNTS,
  EN,
  GAIN_CH0,
  GAIN_CH1,
  RE_GAIN,
  RE_MS,
  RE_WHITE,
  REG,
  RESPONSIVITY_CH0,
  RESPONSIVITY_CH1,
  SF,
  ST,
} from "./tsl2591-datasheet.js";

/** Counts per lux per (gain × ms), per channel, for a source; computed once per source. */
export interface Response {
  readonly ch0: number;
  readonly ch1: number;
}

/** Re scaling: counts per unit collected signal, from the white LED at 1 µW/cm² (= 0.01 W/m²). */
function reScale(): Response {
  const led = spectrum("led");
  const perWatt = 0.01 / irradiance(led);
  const gainMs = GAIN_CH0[RE_GAIN]! * RE_MS;
  return {
    ch0: RE_WHITE.ch0 / (collected(led, RESPONSIVITY_CH0) * perWatt) / gainMs,
    ch1: RE_WHITE.ch1 / (collected(led, RESPONSIVITY_CH1) * perWatt) / GAIN_CH1[RE_GAIN]! / RE_MS,
  };
}

// Computed when the module loads (at build time on -p lin, where preload keeps it in flash).
const scale: Response = Object.freeze(reScale());

/** Counts per (gain × ms) for `e` W/m²/nm; the same for every source, so lux formulas are tested, not the model. */
function countsOf(e: Float64Array): Response {
  return { ch0: scale.ch0 * collected(e, RESPONSIVITY_CH0), ch1: scale.ch1 * collected(e, RESPONSIVITY_CH1) };
}

function responseOf(name: SourceName): Response {
  const e = spectrum(name);
  const counts = countsOf(e);
  const l = lux(e);
  return Object.freeze({ ch0: counts.ch0 / l, ch1: counts.ch1 / l });
}

// Every source's response, computed when the module loads: a Map filled later would be
// read-only in flash on a preloaded build (-p lin: "read-only Map instance (in set)").
const RESPONSES: Readonly<Record<SourceName, Response>> = Object.freeze({
  a: responseOf("a"),
  d65: responseOf("d65"),
  led: responseOf("led"),
  fluorescent: responseOf("fluorescent"),
  ir: responseOf("ir"),
});

/** Counts per lux per (gain × ms) for a source's spectrum. */
export function sourceResponse(name: SourceName): Response {
  return RESPONSES[name];
}

/** Counts per (gain × ms) per µW/cm² of the bare 850 nm LED (to check against the datasheet's Re). */
export function irLedCountsPerMicrowatt(): Response {
  const e = irLedSpectrum();
  const c = countsOf(e);
  const perWatt = 0.01 / irradiance(e);
  return { ch0: c.ch0 * perWatt, ch1: c.ch1 * perWatt };
}

/** CH1/CH0 of the 850 nm LED: the share used for extra IR (`irFraction`). */
function irRatio(): number {
  const c = irLedCountsPerMicrowatt();
  return c.ch1 / c.ch0;
}

export interface Integration {
  /** Window in scene time (ms since the simulator started). */
  start: number;
  end: number;
  again: number;
  /** Full-scale count for this integration time. */
  max: number;
  /** Relative standard deviation of extra count noise; 0 = none. */
  noise: number;
  /** Photon shot noise on (Poisson statistics of the photo-electrons). */
  shotNoise: boolean;
}

/** One part's deviation from typical: responsivity and gain factors per channel, dark counts. */
export interface Part {
  readonly ch0: number;
  readonly ch1: number;
  /** Dark counts per channel at maximum gain, 600 ms (datasheet limit 25). */
  readonly dark0: number;
  readonly dark1: number;
}

export const TYPICAL_PART: Part = Object.freeze({ ch0: 1, ch1: 1, dark0: 5, dark1: 5 });

/** A part drawn with relative spread `sigma` on each channel's responsivity, dark counts up to the datasheet limit. */
export function drawPart(sigma: number, random: Gaussian): Part {
  const factor = () => Math.max(0.5, 1 + sigma * random.next());
  return Object.freeze({
    ch0: factor(),
    ch1: factor(),
    dark0: Math.min(DARK_MAX_COUNTS, Math.abs(TYPICAL_PART.dark0 * factor())),
    dark1: Math.min(DARK_MAX_COUNTS, Math.abs(TYPICAL_PART.dark1 * factor())),
  });
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

/**
 * Shot noise: at maximum gain the model takes one count per photo-electron (an assumption: the
 * datasheet gives no electrons-per-count), so a channel with gain g and mean n counts carries
 * n × 9200/g electrons, Poisson-distributed, approximated as normal (n ≥ a few).
 */
function withShotNoise(mean: number, gain: number, random: Gaussian): number {
  const electrons = (mean * GAIN_CH0[3]!) / gain;
  if (electrons <= 0) return 0;
  return mean + Math.sqrt(electrons) * (gain / GAIN_CH0[3]!) * random.next();
}

/** CH0 and CH1 counts for one integration; light sampled each millisecond so flicker averages out. */
export function integrate(
  scene: (t: number) => Light,
  window: Integration,
  part: Part,
  random: Gaussian,
): { c0: number; c1: number } {
  const ms = window.end - window.start;
  const samples = Math.max(1, Math.round(ms));
  const step = ms / samples;
  let c0 = 0;
  let c1 = 0;
  const extraIr = irRatio();
  for (let i = 0; i < samples; i++) {
    const light = scene(window.start + (i + 0.5) * step);
    const r = sourceResponse(light.source ?? "led");
    const v0 = light.lux * r.ch0;
    const f = light.irFraction ?? 0;
    const ir0 = f > 0 ? (v0 * f) / (1 - f) : 0; // extra 850 nm IR: share f of CH0's photocurrent
    c0 += (v0 + ir0) * step;
    c1 += (light.lux * r.ch1 + ir0 * extraIr) * step;
  }
  const g0 = GAIN_CH0[window.again]!;
  const g1 = GAIN_CH1[window.again]!;
  const darkScale = ms / DARK_AT.ms;
  let n0 = c0 * g0 * part.ch0 + (part.dark0 * g0 * darkScale) / GAIN_CH0[DARK_AT.again]!;
  let n1 = c1 * g1 * part.ch1 + (part.dark1 * g1 * darkScale) / GAIN_CH1[DARK_AT.again]!;
  if (window.shotNoise) {
    n0 = withShotNoise(n0, g0, random);
    n1 = withShotNoise(n1, g1, random);
  }
  if (window.noise > 0) {
    n0 *= 1 + window.noise * random.next();
    n1 *= 1 + window.noise * random.next();
  }
  return {
    c0: Math.min(window.max, Math.max(0, Math.round(n0))),
    c1: Math.min(window.max, Math.max(0, Math.round(n1))),
  };
}

/**
 * End-of-cycle threshold comparison on C0 only (datasheet "Interrupts"), on the register file:
 * updates AINT/NPINTR in STATUS and returns the new count of consecutive out-of-range cycles.
 */
export function compareThresholds(regs: Uint8Array, c0: number, outOfRange: number): number {
  const word = (at: number): number => regs[at]! | (regs[at + 1]! << 8);
  const apers = regs[REG.PERSIST]! & 0x0f;
  const count = c0 < word(REG.AILTL) || c0 > word(REG.AIHTL) ? outOfRange + 1 : 0;
  if (apers === 0 || count >= APERS_CYCLES[apers]!) regs[REG.STATUS] = regs[REG.STATUS]! | ST.AINT;
  if (c0 < word(REG.NPAILTL) || c0 > word(REG.NPAIHTL)) regs[REG.STATUS] = regs[REG.STATUS]! | ST.NPINTR;
  return count;
}

/** Special function (ADDR/SF field of a special-transaction command); false for a reserved one (NACK). */
export function specialFunction(regs: Uint8Array, sf: number): boolean {
  const status = regs[REG.STATUS]!;
  switch (sf) {
    case SF.FORCE_INTERRUPT:
      regs[REG.STATUS] = status | ST.AINT | ST.NPINTR;
      return true;
    case SF.CLEAR_ALS:
      regs[REG.STATUS] = status & ~ST.AINT;
      return true;
    case SF.CLEAR_ALS_AND_NP:
      regs[REG.STATUS] = status & ~(ST.AINT | ST.NPINTR);
      return true;
    case SF.CLEAR_NP:
      regs[REG.STATUS] = status & ~ST.NPINTR;
      return true;
    default:
      return false;
  }
}

/** INT pin: asserted while (AINT && AIEN) || (NPINTR && NPIEN) (datasheet "Interrupts"). */
export function interruptLevel(regs: Uint8Array): boolean {
  const enable = regs[REG.ENABLE]!;
  const status = regs[REG.STATUS]!;
  return (
    ((status & ST.AINT) !== 0 && (enable & EN.AIEN) !== 0) || ((status & ST.NPINTR) !== 0 && (enable & EN.NPIEN) !== 0)
  );
}
