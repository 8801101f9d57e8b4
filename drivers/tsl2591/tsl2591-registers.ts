// TSL2591 register map, command byte and bit fields as frozen tables (they preload into flash).
// Sources: AMS TSL25911 datasheet (v2-04) "Register Set", "Command Register" and "ALS
// Characteristics" sections, cross-checked against the Adafruit, Linux, ESPHome and Zephyr
// drivers. The chip model keeps its own reading (host-sim/chips/tsl2591-datasheet.ts); a test
// holds the two to each other.

/** Fixed 7-bit I2C address; the part has no address pin (datasheet "I2C Protocol"). */
export const ADDRESS = 0x29;
/** Value of the ID register (0x12) (datasheet "ID Register"). */
export const CHIP_ID = 0x50;

/** COMMAND byte: bit 7 CMD=1, bits 6:5 TRANSACTION, bits 4:0 ADDR/SF (datasheet "Command Register"). */
export const Command = Object.freeze({
  CMD: 0b1000_0000,
  TRANSACTION_MASK: 0b0110_0000,
  NORMAL: 0b1010_0000, // CMD | TRANSACTION 01: register pointer follows in bits 4:0
  SPECIAL: 0b1110_0000, // CMD | TRANSACTION 11: special function in bits 4:0
  ADDRESS_MASK: 0b0001_1111,
  FORCE_INTERRUPT: 0xe4, // SF 00100: sets the interrupt bits in STATUS
  CLEAR_ALS_INTERRUPT: 0xe6, // SF 00110: clears AINT
  CLEAR_ALL_INTERRUPTS: 0xe7, // SF 00111: clears AINT and NPINTR
  CLEAR_NP_INTERRUPT: 0xea, // SF 01010: clears NPINTR
});

/** Register addresses (datasheet "Register Set" table). */
export const Register = Object.freeze({
  ENABLE: 0x00,
  CONTROL: 0x01,
  AILTL: 0x04, // persist low threshold, 16-bit little-endian (0x04/0x05)
  AIHTL: 0x06, // persist high threshold (0x06/0x07)
  NPAILTL: 0x08, // no-persist low threshold (0x08/0x09)
  NPAIHTL: 0x0a, // no-persist high threshold (0x0A/0x0B)
  PERSIST: 0x0c,
  PID: 0x11,
  ID: 0x12,
  STATUS: 0x13,
  C0DATAL: 0x14, // channel 0, full spectrum (0x14/0x15)
  C1DATAL: 0x16, // channel 1, infrared (0x16/0x17)
});

/** ENABLE (0x00) bits (datasheet "Enable Register"); bits 5, 3 and 2 are reserved. */
export const Enable = Object.freeze({
  NPIEN: 0b1000_0000,
  SAI: 0b0100_0000,
  AIEN: 0b0001_0000,
  AEN: 0b0000_0010,
  PON: 0b0000_0001,
  WRITABLE: 0b1101_0011,
});

/** CONTROL (0x01) fields (datasheet "Control Register"); bits 6 and 3 are reserved. */
export const Control = Object.freeze({
  SRESET: 0b1000_0000,
  AGAIN_SHIFT: 4,
  AGAIN_MASK: 0b0011_0000,
  ATIME_MASK: 0b0000_0111,
  ATIME_MAX: 0b101, // 110 and 111 are not valid integration times
});

/** STATUS (0x13) bits (datasheet "Status Register"). */
export const Status = Object.freeze({
  NPINTR: 0b0010_0000,
  AINT: 0b0001_0000,
  AVALID: 0b0000_0001,
});

/** Gain names in AGAIN order (00 low, 01 medium, 10 high, 11 max). */
export const GAIN_NAMES = Object.freeze(["low", "medium", "high", "max"] as const);
/**
 * Gain per AGAIN relative to low gain, typical, per channel (datasheet "ALS Characteristics",
 * gain scaling): medium 24.5, high 400, maximum 9200 on CH0 and 9900 on CH1. (Adafruit,
 * CircuitPython and Linux use 1/25/428/9876 for both, which reads 7 % high at high and max gain.)
 */
export const GAIN_FACTORS = Object.freeze([1, 24.5, 400, 9200] as const);
export const GAIN_FACTORS_CH1 = Object.freeze([1, 24.5, 400, 9900] as const);

/** APERS (PERSIST bits 3:0) → consecutive out-of-range cycles (datasheet "Persist Register"). */
export const PERSIST_CYCLES = Object.freeze([0, 1, 2, 3, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60] as const);

/** Nominal integration time of an ATIME code: (ATIME + 1) × 100 ms. */
export function integrationMs(atime: number): number {
  return (atime + 1) * 100;
}

/** Full-scale count per channel: 36863 (0x8FFF) at 100 ms, 65535 at 200-600 ms (datasheet "ALS Characteristics"). */
export function maxCount(integration: number): number {
  return integration <= 100 ? 0x8fff : 0xffff;
}
