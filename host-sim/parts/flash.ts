// The simulated board's flash as Moddable `preference` sees it: domains of small values that
// survive a simulated reboot (a new firmware instance on the same board) and, with
// sim_flash=<file>, a power cycle (a new simulator process on the same file). It enforces
// the ESP32 NVS limits (names ≤ 15 characters, values ≤ 4000 bytes), so firmware that fits
// here fits the board, and counts writes so tests can check flash wear.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { PreferenceStore, PreferenceValue } from "../../src/platform.js";

type Stored = { t: "b" | "n" | "s"; v: boolean | number | string } | { t: "a"; v: number[] };

export class SimFlash implements PreferenceStore {
  readonly #domains = new Map<string, Map<string, PreferenceValue>>();
  writes = 0;
  /** Told of every write (set or delete), for wear models (host-sim/parts/flash-wear.ts). */
  onWrite: ((domain: string, key: string, value: PreferenceValue | undefined) => void) | undefined;

  constructor(private readonly file?: string) {
    if (file === undefined || !existsSync(file)) return;
    const saved = JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, Stored>>;
    for (const [domain, entries] of Object.entries(saved)) {
      const map = new Map<string, PreferenceValue>();
      for (const [key, s] of Object.entries(entries)) map.set(key, s.t === "a" ? Uint8Array.from(s.v).buffer : s.v);
      this.#domains.set(domain, map);
    }
  }

  get(domain: string, key: string): PreferenceValue | undefined {
    return this.#domains.get(domain)?.get(key);
  }

  set(domain: string, key: string, value: PreferenceValue): void {
    check(domain, "domain");
    check(key, "key");
    const size =
      typeof value === "string" ? Buffer.byteLength(value) : value instanceof ArrayBuffer ? value.byteLength : 4;
    if (size > 4000) throw new RangeError(`preference: value of ${size} bytes is above 4000`);
    if (typeof value === "number" && !Number.isInteger(value))
      throw new RangeError("preference: numbers must be integers");
    let map = this.#domains.get(domain);
    if (map === undefined) this.#domains.set(domain, (map = new Map()));
    map.set(key, value);
    this.writes++;
    this.onWrite?.(domain, key, value);
    this.#save();
  }

  delete(domain: string, key: string): void {
    if (this.#domains.get(domain)?.delete(key)) {
      this.writes++;
      this.onWrite?.(domain, key, undefined);
      this.#save();
    }
  }

  keys(domain: string): string[] {
    return [...(this.#domains.get(domain)?.keys() ?? [])];
  }

  #save(): void {
    if (this.file === undefined) return;
    const out: Record<string, Record<string, Stored>> = {};
    for (const [domain, map] of this.#domains) {
      const entries: Record<string, Stored> = {};
      for (const [key, v] of map) {
        entries[key] =
          v instanceof ArrayBuffer
            ? { t: "a", v: [...new Uint8Array(v)] }
            : { t: typeof v === "boolean" ? "b" : typeof v === "number" ? "n" : "s", v };
      }
      out[domain] = entries;
    }
    writeFileSync(this.file, JSON.stringify(out));
  }
}

function check(name: string, what: string): void {
  if (name.length === 0 || name.length > 15)
    throw new RangeError(`preference: ${what} "${name}" must be 1 to 15 characters (ESP32 NVS)`);
}
