// The offline readings journal (queue_persist=1): readings taken while the broker is
// unreachable are written to Moddable `preference` as well as the MQTT outbox, so a reboot
// loses none of them. At boot the journal is replayed into the outbox (with its original
// seq, boot and timestamp) ahead of new readings; once the connection has delivered
// everything (outbox empty while connected) the journal is cleared. A ring of at most `max`
// slots: when full, the oldest is overwritten and counted. One short record per slot (at most
// 63 bytes, the ESP8266's limit), names within ESP32 NVS's 15 characters. Flash is written
// only while offline (one slot and the count per reading) and once when the journal clears.
import type { PreferenceStore } from "./platform.js";
import type { Reading, TimeSource } from "./payload.js";
import { GAIN_NAMES } from "embedded:sensor/AmbientLight/tsl2591-registers";

const DOMAIN = "luxq";
const MAX_VALUE = 63;

export class Journal {
  #head: number;
  #count: number;
  /** Readings overwritten because the journal was full. */
  dropped = 0;

  constructor(
    private readonly store: PreferenceStore,
    readonly max: number,
  ) {
    const head = store.get(DOMAIN, "h");
    const count = store.get(DOMAIN, "n");
    this.#head = typeof head === "number" && head >= 0 && head < max ? head : 0;
    this.#count = typeof count === "number" && count >= 0 ? Math.min(count, max) : 0;
  }

  get length(): number {
    return this.#count;
  }

  /** The saved readings, oldest first (records that cannot be read are skipped). */
  load(sensorId: string): Reading[] {
    const out: Reading[] = [];
    for (let i = 0; i < this.#count; i++) {
      const record = this.store.get(DOMAIN, String((this.#head + i) % this.max));
      const reading = typeof record === "string" ? decode(record, sensorId) : undefined;
      if (reading !== undefined) out.push(reading);
    }
    return out;
  }

  append(reading: Reading): void {
    let slot: number;
    if (this.#count < this.max) {
      slot = (this.#head + this.#count) % this.max;
      this.#count++;
    } else {
      slot = this.#head;
      this.#head = (this.#head + 1) % this.max;
      this.dropped++;
      this.store.set(DOMAIN, "h", this.#head);
    }
    this.store.set(DOMAIN, String(slot), encode(reading));
    this.store.set(DOMAIN, "n", this.#count);
  }

  clear(): void {
    if (this.#count === 0) return;
    for (let i = 0; i < this.#count; i++) this.store.delete(DOMAIN, String((this.#head + i) % this.max));
    this.#head = 0;
    this.#count = 0;
    this.store.set(DOMAIN, "h", 0);
    this.store.set(DOMAIN, "n", 0);
  }
}

/** `seq,ts,lux,source,boot[,full,ir,gain index,integration,flags,calibration]`; flags: 1 saturated, 2 IR-rich. */
export function encode(r: Reading): string {
  const base = `${r.seq},${r.timestamp},${r.value ?? ""},${r.timeSource === "sntp" ? "s" : "u"},${r.boot ?? 0}`;
  const raw = r.raw;
  if (raw === undefined) return base;
  const full = `${base},${raw.full},${raw.ir},${GAIN_NAMES.indexOf(raw.gain as never)},${raw.integration},${(raw.saturated ? 1 : 0) | (raw.irRich === true ? 2 : 0)},${raw.calibration}`;
  return full.length <= MAX_VALUE ? full : base;
}

export function decode(record: string, sensorId: string): Reading | undefined {
  const f = record.split(",");
  if (f.length !== 5 && f.length !== 11) return undefined;
  const seq = Number(f[0]);
  const timestamp = Number(f[1]);
  const value = f[2] === "" ? null : Number(f[2]);
  if (!Number.isInteger(seq) || !Number.isFinite(timestamp) || (value !== null && !Number.isFinite(value)))
    return undefined;
  const timeSource: TimeSource = f[3] === "s" ? "sntp" : "uptime";
  const reading = { sensorId, seq, timestamp, value, timeSource, boot: Number(f[4]) || 0 };
  if (f.length === 5) return reading;
  return {
    ...reading,
    raw: {
      full: Number(f[5]),
      ir: Number(f[6]),
      gain: GAIN_NAMES[Number(f[7])] ?? "medium",
      integration: Number(f[8]),
      saturated: (Number(f[9]) & 1) !== 0,
      calibration: Number(f[10]),
      ...((Number(f[9]) & 2) !== 0 ? { irRich: true } : {}),
    },
  };
}
