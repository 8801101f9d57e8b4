// The chip model's own reading of the AMS TSL2591 datasheet (TSL25911, v2-04, 2018-06): register
// addresses, bit fields, gain and count limits, dark counts, and the two photodiodes' spectral
// responsivity. Deliberately independent of drivers/tsl2591/tsl2591-registers.ts: the driver and
// the model are two readings of the same document, so a wrong constant on either side shows up
// as a test failure instead of being mirrored. Pure TypeScript, no host APIs.
import { GRID, GRID_START, tabulated } from "./light-spectra.js";

/** "I2C Protocol": fixed 7-bit address. */
export const I2C_ADDRESS = 0x29;

/** "Register Set" (datasheet Figure 13): address of every register the part has. */
export const REG = Object.freeze({
  ENABLE: 0x00,
  CONFIG: 0x01,
  AILTL: 0x04,
  AILTH: 0x05,
  AIHTL: 0x06,
  AIHTH: 0x07,
  NPAILTL: 0x08,
  NPAILTH: 0x09,
  NPAIHTL: 0x0a,
  NPAIHTH: 0x0b,
  PERSIST: 0x0c,
  PID: 0x11,
  ID: 0x12,
  STATUS: 0x13,
  C0DATAL: 0x14,
  C0DATAH: 0x15,
  C1DATAL: 0x16,
  C1DATAH: 0x17,
});

/** "ID Register (0x12)": device identification. */
export const ID_VALUE = 0x50;

/** "Command Register": CMD bit 7, TRANSACTION bits 6:5 (01 normal, 11 special), ADDR/SF bits 4:0. */
export const CMD_BIT = 0x80;
export const TRANSACTION_SHIFT = 5;
export const TRANSACTION_NORMAL = 0b01;
export const TRANSACTION_SPECIAL = 0b11;
export const ADDR_SF_MASK = 0x1f;
/** Special functions (ADDR/SF field when TRANSACTION = 11). */
export const SF = Object.freeze({
  FORCE_INTERRUPT: 0b00100,
  CLEAR_ALS: 0b00110,
  CLEAR_ALS_AND_NP: 0b00111,
  CLEAR_NP: 0b01010,
});

/** "Enable Register (0x00)": NPIEN b7, SAI b6, AIEN b4, AEN b1, PON b0 (b5, b3:2 reserved, write 0). */
export const EN = Object.freeze({ NPIEN: 1 << 7, SAI: 1 << 6, AIEN: 1 << 4, AEN: 1 << 1, PON: 1 << 0 });
export const EN_DEFINED = EN.NPIEN | EN.SAI | EN.AIEN | EN.AEN | EN.PON;

/** "Control Register (0x01)": SRESET b7, AGAIN b5:4, ATIME b2:0 (000..101 valid). */
export const CONFIG_SRESET = 1 << 7;
export const AGAIN_SHIFT = 4;
export const AGAIN_BITS = 0b11 << AGAIN_SHIFT;
export const ATIME_BITS = 0b111;
export const ATIME_LAST_VALID = 0b101;

/** "Status Register (0x13)": NPINTR b5, AINT b4, AVALID b0. */
export const ST = Object.freeze({ NPINTR: 1 << 5, AINT: 1 << 4, AVALID: 1 << 0 });

/** "Persist Register (0x0C)": APERS code → consecutive out-of-range cycles (0 = every cycle). */
export const APERS_CYCLES = Object.freeze([0, 1, 2, 3, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]);

/**
 * "ALS Characteristics", gain scaling relative to low gain, typical, per channel (the datasheet
 * gives medium 24.5, high 400, and maximum 9200 for CH0 but 9900 for CH1).
 */
export const GAIN_CH0 = Object.freeze([1, 24.5, 400, 9200]);
export const GAIN_CH1 = Object.freeze([1, 24.5, 400, 9900]);

/** "Control Register" ATIME table: (ATIME + 1) × 100 ms nominal (the model's stepMs option sets the real step). */
export function atimeMs(atime: number): number {
  return (atime + 1) * 100;
}

/** "ALS Characteristics": maximum ADC count, 36863 at 100 ms (1024 × 36 − 1), 65535 at 200–600 ms. */
export function fullScale(atime: number): number {
  return atime === 0 ? 36863 : 65535;
}

/**
 * "ALS Characteristics", dark ADC count value: at most 25 counts per channel with no light at
 * maximum gain. The model treats dark counts as a dark current (counts ∝ gain × time) and takes
 * the datasheet's limit at the longest integration, 600 ms, as the worst case.
 */
export const DARK_MAX_COUNTS = 25;
export const DARK_AT = Object.freeze({ again: 3, ms: 600 });

/**
 * "ALS Characteristics", irradiance responsivity Re at high gain (400x), 100 ms, in counts per
 * µW/cm²: white LED 264.1 (CH0) and 34.9 (CH1); 850 nm LED 257.5 (CH0) and 154.1 (CH1). The
 * model scales its responsivity curves to the white-LED pair; the 850 nm pair checks the curves.
 */
export const RE_WHITE = Object.freeze({ ch0: 264.1, ch1: 34.9 });
export const RE_850 = Object.freeze({ ch0: 257.5, ch1: 154.1 });
export const RE_GAIN = 2; // AGAIN high
export const RE_MS = 100;

/**
 * Normalised spectral responsivity (datasheet "Spectral Responsivity" figure, CH0 peak = 1),
 * every 50 nm from 300 to 1100 nm. Not digitised from the figure's image (none was at hand as
 * data): the points follow the figure's curve shapes — CH0 (visible + IR) rising through the
 * blue to a broad maximum near 650–700 nm and falling past 900 nm as silicon stops absorbing;
 * CH1 (IR diode) small across the visible, peaking near 800–850 nm at about half of CH0's
 * peak — and were then adjusted until the datasheet's Re table holds: scaled to the white-LED
 * pair, they give 257.3 / 158.1 counts at 850 nm against 257.5 / 154.1 (CH1/CH0 0.614 vs
 * 0.598). Treat them as ±0.05 of full scale; the 700–1100 nm part decides the IR-heavy sources.
 */
const CH0_CURVE = [0.0, 0.06, 0.27, 0.49, 0.7, 0.87, 0.96, 1.0, 0.98, 0.95, 0.9, 0.82, 0.7, 0.52, 0.32, 0.14, 0.04];
const CH1_CURVE = [
  0.0, 0.0035, 0.013, 0.027, 0.045, 0.067, 0.1, 0.18, 0.36, 0.47, 0.5, 0.49, 0.44, 0.35, 0.23, 0.11, 0.03,
];
export const RESPONSIVITY_CH0 = tabulated(300, 50, CH0_CURVE);
export const RESPONSIVITY_CH1 = tabulated(300, 50, CH1_CURVE);
export { GRID, GRID_START };
