// Light sources as spectra, and illuminance by the CIE photopic curve V(λ). Pure TypeScript
// (no host APIs): it is compiled into the Moddable `-p lin` build with the chip model.
// Every spectrum is sampled on one grid, 300–1100 nm in 1 nm steps (the TSL2591's diodes respond
// over that span), as relative spectral irradiance; `lux()` gives its illuminance and
// `irradiance()` its radiant irradiance, so a scene scales a shape to the lux it asks for.

/**
 * The light on the sensor at one instant: an illuminance (lux, by V(λ)) of a source spectrum,
 * and optionally extra invisible 850 nm IR, given as its share of the CH0 photocurrent.
 */
export interface Light {
  lux: number;
  /** Default "led". */
  source?: SourceName;
  /** Extra 850 nm IR as a share of CH0's photocurrent, 0 to 0.95 (default 0). */
  irFraction?: number;
}

/** A scene maps the time since the simulator started (ms) to the light on the sensor. */
export type Scene = (timeMs: number) => Light;

/** Grid: 300..1100 nm, 1 nm apart. */
export const GRID_START = 300;
export const GRID_END = 1100;
export const GRID = GRID_END - GRID_START + 1;

/** Linear interpolation of a table sampled every `step` nm from `start` (0 outside it). */
export function tabulated(start: number, step: number, values: readonly number[]): Float64Array {
  const out = new Float64Array(GRID);
  for (let i = 0; i < GRID; i++) {
    const x = (GRID_START + i - start) / step;
    const k = Math.floor(x);
    if (k < 0 || k >= values.length) continue;
    const a = values[k]!;
    const b = k + 1 < values.length ? values[k + 1]! : a;
    out[i] = a + (b - a) * (x - k);
  }
  return out;
}

function fromFunction(f: (nm: number) => number): Float64Array {
  const out = new Float64Array(GRID);
  for (let i = 0; i < GRID; i++) out[i] = f(GRID_START + i);
  return out;
}

const gaussian = (nm: number, centre: number, fwhm: number): number =>
  Math.exp(-4 * Math.LN2 * ((nm - centre) / fwhm) ** 2);

/**
 * CIE 1924 photopic luminous efficiency V(λ), 380–780 nm every 10 nm (CIE 018:2019 / ISO 23539
 * table; the standard 10 nm abridgement, interpolated linearly to 1 nm).
 */
export const V_LAMBDA = tabulated(
  380,
  10,
  [
    0.000039, 0.00012, 0.000396, 0.00121, 0.004, 0.0116, 0.023, 0.038, 0.06, 0.09098, 0.13902, 0.20802, 0.323, 0.503,
    0.71, 0.862, 0.954, 0.99495, 0.995, 0.952, 0.87, 0.757, 0.631, 0.503, 0.381, 0.265, 0.175, 0.107, 0.061, 0.032,
    0.017, 0.00821, 0.004102, 0.002091, 0.001047, 0.00052, 0.000249, 0.00012, 0.00006, 0.00003, 0.000015,
  ],
);

/** Maximum luminous efficacy of radiation for photopic vision, lm/W (SI definition of the candela). */
export const KM = 683;

/** Planck's law, relative (second radiation constant c2 = 1.4388e7 nm·K). */
function planck(nm: number, kelvin: number): number {
  return 1 / (nm ** 5 * (Math.exp(1.4388e7 / (nm * kelvin)) - 1));
}

/** CIE standard illuminant A (incandescent): Planck's law at 2856 K by its definition (ISO 11664-2). */
const ILLUMINANT_A = fromFunction((nm) => planck(nm, 2856));

/**
 * CIE standard illuminant D65 (daylight), 300–830 nm every 10 nm (ISO 11664-2 table, 10 nm
 * abridgement). The CIE defines D65 only to 830 nm; beyond it a 6504 K Planck curve scaled to
 * meet the table at 830 nm stands in (real daylight has water-vapour bands near 940 nm that this
 * ignores, so it slightly overstates the IR the sensor sees).
 */
const D65_TABLE = [
  0.0341, 3.2945, 20.236, 37.0535, 39.9488, 44.9117, 46.6383, 52.0891, 49.9755, 54.6482, 82.7549, 91.486, 93.4318,
  86.6823, 104.865, 117.008, 117.812, 114.861, 115.923, 108.811, 109.354, 107.802, 104.79, 107.689, 104.405, 104.046,
  100, 96.3342, 95.788, 88.6856, 90.0062, 89.5991, 87.6987, 83.2886, 83.6992, 80.0268, 80.2146, 82.2778, 78.2842,
  69.7213, 71.6091, 74.349, 61.604, 69.8856, 75.087, 63.5927, 46.4182, 66.8054, 63.3828, 64.304, 59.4519, 51.959,
  57.4406, 60.3125,
];
const D65 = (() => {
  const table = tabulated(300, 10, D65_TABLE);
  const tail = 60.3125 / planck(830, 6504);
  for (let nm = 831; nm <= GRID_END; nm++) table[nm - GRID_START] = tail * planck(nm, 6504);
  return table;
})();

/**
 * A neutral-white phosphor-converted LED (about 4000 K): the InGaN pump near 450 nm and the
 * broad YAG-type phosphor band near 590 nm, as two Gaussians. A generic shape, not one maker's
 * part; like every white LED it has no emission beyond about 780 nm.
 */
const WHITE_LED = fromFunction((nm) => 0.9 * gaussian(nm, 450, 22) + 0.75 * gaussian(nm, 590, 140));

/**
 * A triband fluorescent lamp of about 4000 K (the shape of CIE F11): mercury lines at 405 and
 * 436 nm, the terbium band at 545 nm, the europium band at 611 nm, weak lines and a low
 * continuum; as Gaussians a few nm wide. Nearly no IR.
 */
const FLUORESCENT = fromFunction(
  (nm) =>
    0.03 * (nm >= 380 && nm <= 720 ? 1 : 0) +
    0.12 * gaussian(nm, 405, 4) +
    0.45 * gaussian(nm, 436, 5) +
    0.18 * gaussian(nm, 488, 6) +
    1.0 * gaussian(nm, 545, 7) +
    0.12 * gaussian(nm, 580, 8) +
    0.85 * gaussian(nm, 611, 6) +
    0.12 * gaussian(nm, 630, 8) +
    0.06 * gaussian(nm, 710, 10),
);

/** An 850 nm IR LED (AlGaAs, about 40 nm wide): what security cameras light a room with. */
const IR_LED = fromFunction((nm) => gaussian(nm, 850, 40));

/** Radiant power of the IR illuminator relative to the white LED in the `ir` scene. */
export const IR_SCENE_RATIO = 4;

export const SOURCE_NAMES = Object.freeze(["a", "d65", "led", "fluorescent", "ir"] as const);
export type SourceName = (typeof SOURCE_NAMES)[number];

export const SOURCE_DESCRIPTIONS: Readonly<Record<SourceName, string>> = Object.freeze({
  a: "CIE illuminant A (incandescent, 2856 K)",
  d65: "CIE D65 (daylight)",
  led: "white LED, about 4000 K",
  fluorescent: "triband fluorescent (F11-like)",
  ir: "white LED plus an 850 nm IR illuminator (4x its radiant power)",
});

function integral(a: Float64Array, b?: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < GRID; i++) sum += a[i]! * (b === undefined ? 1 : b[i]!);
  return sum; // 1 nm steps
}

/** Relative spectral irradiance of a source, W/m²/nm up to a scale. */
export function spectrum(name: SourceName): Float64Array {
  switch (name) {
    case "a":
      return ILLUMINANT_A;
    case "d65":
      return D65;
    case "led":
      return WHITE_LED;
    case "fluorescent":
      return FLUORESCENT;
    case "ir": {
      const out = new Float64Array(GRID);
      const ir = (IR_SCENE_RATIO * integral(WHITE_LED)) / integral(IR_LED);
      for (let i = 0; i < GRID; i++) out[i] = WHITE_LED[i]! + ir * IR_LED[i]!;
      return out;
    }
  }
}

/** The bare 850 nm IR LED spectrum (the datasheet's second test source). */
export function irLedSpectrum(): Float64Array {
  return IR_LED;
}

/** Illuminance, lux, of a spectrum in W/m²/nm: Km ∫ E(λ) V(λ) dλ. */
export function lux(e: Float64Array): number {
  return KM * integral(e, V_LAMBDA);
}

/** Radiant irradiance, W/m², of a spectrum in W/m²/nm (over the grid). */
export function irradiance(e: Float64Array): number {
  return integral(e);
}

/** ∫ E(λ) R(λ) dλ: what a detector of responsivity R collects from E. */
export function collected(e: Float64Array, responsivity: Float64Array): number {
  return integral(e, responsivity);
}
