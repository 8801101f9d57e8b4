// Flash wear of Moddable `preference`, replayed from the simulated flash's writes
// (parts/flash.ts onWrite): how often each flash sector is erased, for the endurance figure.
// Two models, each after the SDK's own storage layout:
//  - ESP8266 (modules/files/preference/esp/modPreference.c): two 4096-byte sectors used as a
//    log. A record is domain\0 key\0 type value, rounded up to 4 bytes (string: text\0,
//    integer: 4, boolean: 1, buffer: 2-byte length then bytes); a set zeroes the old record in
//    place and appends; a delete zeroes in place; when the record does not fit, the other
//    sector is erased and the live records are copied there. The sectors alternate.
//  - ESP32 (modules/files/preference/esp32, ESP-IDF NVS): 32-byte entries, 126 per 4096-byte
//    page; an integer or boolean takes 1 entry, a string 1 + ceil((length + 1) / 32); a
//    delete writes no entry. Pages fill in turn; one page is erased per page filled, and NVS
//    spreads that over the partition's pages (Moddable's partitions.csv: nvs 0x6000, 6 pages,
//    one kept free).
import type { PreferenceValue } from "../../src/platform.js";

const SECTOR = 4096;

function valueBytes(value: PreferenceValue): number {
  if (typeof value === "string") return new TextEncoder().encode(value).length + 1;
  if (typeof value === "boolean") return 1;
  if (typeof value === "number") return 4;
  return 2 + value.byteLength;
}

export class Esp8266PreferenceWear {
  readonly #live = new Map<string, number>();
  #used = 4; // the sector's magic word
  /** Sector erases (compactions); each of the two sectors gets half. */
  erases = 0;

  write(domain: string, key: string, value: PreferenceValue | undefined): void {
    const name = `${domain}\u0000${key}`;
    this.#live.delete(name);
    if (value === undefined) return;
    const size = (domain.length + 1 + key.length + 1 + 1 + valueBytes(value) + 3) & ~3;
    if (SECTOR - this.#used < size) {
      this.erases++;
      this.#used = 4;
      for (const live of this.#live.values()) this.#used += live;
    }
    this.#used += size;
    this.#live.set(name, size);
  }

  /** Erases of the busier sector. */
  get sectorErases(): number {
    return Math.ceil(this.erases / 2);
  }
}

export class Esp32NvsWear {
  static readonly ENTRIES_PER_PAGE = 126;
  static readonly PAGES = 6;
  entries = 0;

  write(_domain: string, _key: string, value: PreferenceValue | undefined): void {
    if (value === undefined) return;
    if (typeof value === "string") this.entries += 1 + Math.ceil((new TextEncoder().encode(value).length + 1) / 32);
    else if (value instanceof ArrayBuffer) this.entries += 1 + Math.ceil(value.byteLength / 32);
    else this.entries += 1;
  }

  /** Erases per page: one page erased per page of entries written, spread over the pages in use. */
  get sectorErases(): number {
    return this.entries / Esp32NvsWear.ENTRIES_PER_PAGE / (Esp32NvsWear.PAGES - 1);
  }
}

/** Years until the busier sector reaches `cycles` erases, at `erasesPerDay`. */
export function enduranceYears(cycles: number, erasesPerDay: number): number {
  return erasesPerDay === 0 ? Infinity : cycles / erasesPerDay / 365.25;
}
