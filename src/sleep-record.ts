// What the firmware keeps in RTC memory across deep sleep: the boot number and the last seq
// (so readings go on counting), how many wakes since power-on, the time spent awake, and the
// time since power-on at the next wake (so uptime stamps go on too). Eight little-endian 32-bit
// words, the last an FNV-1a checksum of the others: RTC memory holds garbage after power-on,
// and a record that does not check out is treated as a cold boot. 32 bytes: well inside the
// ESP8266's 512 bytes of user RTC memory and the ESP32's 8 KB.

export interface SleepRecord {
  /** The boot number the readings carry (Settings.boot of the last cold boot). */
  readonly boot: number;
  /** The last seq given to a reading. */
  readonly seq: number;
  /** Wakes from deep sleep since power-on. */
  readonly wakes: number;
  /** Milliseconds awake since power-on (the firmware's own timeline). */
  readonly awakeMs: number;
  /** Milliseconds since power-on when the next wake starts (awake and asleep). */
  readonly uptimeMs: number;
  /**
   * The wake slept with every message acknowledged (the outbox empty while connected): the
   * broker's session holds no exchange this boot lacks the state of, so it may be resumed.
   */
  readonly settled: boolean;
}

const MAGIC = 0x4c585333; // "LXS3"
const WORDS = 8;
const HIGH = 2 ** 32;
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
  words[3] = ((r.wakes & 0x7fffffff) | (r.settled ? 0x80000000 : 0)) >>> 0; // bit 31: settled
  words[4] = r.awakeMs;
  words[5] = r.uptimeMs % HIGH;
  words[6] = Math.floor(r.uptimeMs / HIGH);
  words[7] = fnv1a(words, WORDS - 1);
  return data;
}

/** The record in `data`, or undefined when it is not one (power-on garbage, another layout). */
export function decodeRecord(data: ArrayBuffer): SleepRecord | undefined {
  if (data.byteLength < RECORD_BYTES) return undefined;
  const words = new Uint32Array(data.slice(0, RECORD_BYTES));
  if (words[0] !== MAGIC || words[WORDS - 1] !== fnv1a(words, WORDS - 1)) return undefined;
  return {
    boot: words[1]!,
    seq: words[2]!,
    wakes: words[3]! & 0x7fffffff,
    awakeMs: words[4]!,
    uptimeMs: words[5]! + words[6]! * HIGH,
    settled: (words[3]! & 0x80000000) !== 0,
  };
}
