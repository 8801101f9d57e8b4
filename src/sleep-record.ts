// What the firmware keeps in RTC memory across deep sleep: the boot number and the last seq
// (so readings go on counting), how many wakes since power-on, and the time spent awake. Six
// little-endian 32-bit words, the last an FNV-1a checksum of the others: RTC memory holds
// garbage after power-on, and a record that does not check out is treated as a cold boot.
// 24 bytes: well inside the ESP8266's 512 bytes of user RTC memory and the ESP32's 8 KB.

export interface SleepRecord {
  /** The boot number the readings carry (Settings.boot of the last cold boot). */
  readonly boot: number;
  /** The last seq given to a reading. */
  readonly seq: number;
  /** Wakes from deep sleep since power-on. */
  readonly wakes: number;
  /** Milliseconds awake since power-on (the firmware's own timeline). */
  readonly awakeMs: number;
}

const MAGIC = 0x4c585331; // "LXS1"
const WORDS = 6;
export const RECORD_BYTES = WORDS * 4;

function fnv1a(words: Uint32Array, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < count; i++) {
    let w = words[i]!;
    for (let b = 0; b < 4; b++) {
      hash = Math.imul(hash ^ (w & 0xff), 0x01000193) >>> 0;
      w >>>= 8;
    }
  }
  return hash;
}

export function encodeRecord(r: SleepRecord): ArrayBuffer {
  const data = new ArrayBuffer(RECORD_BYTES);
  const words = new Uint32Array(data);
  words[0] = MAGIC;
  words[1] = r.boot;
  words[2] = r.seq;
  words[3] = r.wakes;
  words[4] = r.awakeMs;
  words[5] = fnv1a(words, WORDS - 1);
  return data;
}

/** The record in `data`, or undefined when it is not one (power-on garbage, another layout). */
export function decodeRecord(data: ArrayBuffer): SleepRecord | undefined {
  if (data.byteLength < RECORD_BYTES) return undefined;
  const words = new Uint32Array(data.slice(0, RECORD_BYTES));
  if (words[0] !== MAGIC || words[5] !== fnv1a(words, WORDS - 1)) return undefined;
  return { boot: words[1]!, seq: words[2]!, wakes: words[3]!, awakeMs: words[4]! };
}
