// Runtime settings: what commands may change (sample interval, gain, integration time,
// auto-range), kept in Moddable `preference` so they survive a reboot, with a version that
// counts changes (the state reports it). Settings from commands win over the built-in config
// until `reset_settings`. Names fit ESP32 NVS (≤ 15 characters) and every value fits the
// ESP8266's 63 bytes. Flash is written only when a value changes, plus one boot counter.
import { GAIN_NAMES } from "embedded:sensor/AmbientLight/tsl2591-registers";
import type { TSL2591Gain } from "embedded:sensor/AmbientLight/tsl2591-options";
import type { Logger, PreferenceStore } from "./platform.js";

const DOMAIN = "luxflow";

export interface RuntimeSettings {
  /** Milliseconds. */
  readonly interval: number;
  readonly gain: TSL2591Gain;
  /** Milliseconds, 100..600 in steps of 100. */
  readonly integration: number;
  readonly autoRange: boolean;
}

type Stored = { key: string; name: keyof RuntimeSettings };
// Each row frozen too: preloaded, the table is in flash (xsl warns of any part left writable).
const STORED: readonly Stored[] = Object.freeze([
  Object.freeze({ key: "interval", name: "interval" }),
  Object.freeze({ key: "gain", name: "gain" }),
  Object.freeze({ key: "integ", name: "integration" }),
  Object.freeze({ key: "auto", name: "autoRange" }),
] as const);

export class Settings {
  #values: RuntimeSettings;
  #version = 0;
  /** Boots counted in the store (1 on the first), or 0 without a store. */
  readonly boot: number;
  /** The key of the last command kept in flash (src/device.ts: at most once), if any. */
  lastCommand: number | undefined;

  constructor(
    private readonly store: PreferenceStore | undefined,
    private readonly defaults: RuntimeSettings,
    private readonly log: Logger,
    /** The boot number kept in RTC memory across deep sleep: a wake is not a boot (nothing written). */
    bootInRtc?: number,
  ) {
    this.#values = defaults;
    let boot = bootInRtc ?? 0;
    if (store !== undefined) {
      try {
        this.#values = this.#load(store);
        this.#version = numberIn(store.get(DOMAIN, "ver")) ?? 0;
        this.lastCommand = numberIn(store.get(DOMAIN, "cmd"));
        if (bootInRtc === undefined) {
          boot = (numberIn(store.get(DOMAIN, "boots")) ?? 0) + 1;
          store.set(DOMAIN, "boots", boot);
        }
      } catch (error) {
        log.warn(
          `settings: cannot read saved settings (${error instanceof Error ? error.message : String(error)}); using the built-in config`,
        );
      }
    }
    this.boot = boot;
  }

  get values(): RuntimeSettings {
    return this.#values;
  }

  get version(): number {
    return this.#version;
  }

  get persistent(): boolean {
    return this.store !== undefined;
  }

  /** Applies and saves a change; returns false when nothing changed (nothing written). */
  update(change: Partial<RuntimeSettings>): boolean {
    const next = { ...this.#values, ...change };
    const changed = STORED.filter((s) => next[s.name] !== this.#values[s.name]);
    if (changed.length === 0) return false;
    this.#values = Object.freeze(next);
    this.#version++;
    if (this.store !== undefined) {
      for (const s of changed) this.store.set(DOMAIN, s.key, stored(next[s.name]));
      this.store.set(DOMAIN, "ver", this.#version);
    }
    return true;
  }

  /** Keeps a command's key in flash (one write; none when it is already the one kept). */
  rememberCommand(key: number): void {
    if (this.store === undefined || key === this.lastCommand) return;
    this.lastCommand = key;
    try {
      this.store.set(DOMAIN, "cmd", key);
    } catch (error) {
      this.log.warn(
        `settings: cannot save the last command (${error instanceof Error ? error.message : String(error)}); a redelivery after a reboot may run it again`,
      );
    }
  }

  /** Forgets every saved setting: back to the built-in config (the version still counts up). */
  reset(): void {
    this.#values = this.defaults;
    this.#version++;
    if (this.store === undefined) return;
    for (const s of STORED) this.store.delete(DOMAIN, s.key);
    this.store.set(DOMAIN, "ver", this.#version);
  }

  #load(store: PreferenceStore): RuntimeSettings {
    const d = this.defaults;
    const interval = numberIn(store.get(DOMAIN, "interval"));
    const gain = store.get(DOMAIN, "gain");
    const integration = numberIn(store.get(DOMAIN, "integ"));
    const auto = store.get(DOMAIN, "auto");
    const loaded: RuntimeSettings = Object.freeze({
      interval: interval !== undefined && interval >= 100 && interval <= 86_400_000 ? interval : d.interval,
      gain: GAIN_NAMES.find((name) => name === gain) ?? d.gain,
      integration:
        integration !== undefined && integration % 100 === 0 && integration >= 100 && integration <= 600
          ? integration
          : d.integration,
      autoRange: auto === 0 || auto === 1 || typeof auto === "boolean" ? Boolean(auto) : d.autoRange,
    });
    const from = STORED.filter((s) => loaded[s.name] !== d[s.name]).map((s) => s.key);
    if (from.length > 0) this.log.info(`settings: saved by command: ${from.join(", ")} (reset_settings forgets them)`);
    return loaded;
  }
}

function numberIn(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function stored(value: string | number | boolean): string | number {
  return typeof value === "boolean" ? (value ? 1 : 0) : value;
}
