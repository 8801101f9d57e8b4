// The board's Wi-Fi station as a NetworkLink (src/platform.ts). Written against the shape
// of Moddable's classic `wifi` module (modules/network/wifi): the class is passed in, so
// src/main.ts hands it the real module and tests a scripted one. Moddable's own
// setup/network is removed in manifest.json because it never starts `main` when Wi-Fi
// never connects; here a board that cannot join keeps running, retrying and saying why.
import type { Logger, NetworkLink, TimerHandle, Timers } from "./platform.js";

export interface WiFiStation {
  close(): void;
}

export interface WiFiModule {
  new (options: { ssid: string; password?: string }, callback: (message: string) => void): WiFiStation;
  connect(options?: { ssid: string; password?: string }): void;
}

export interface WifiLinkOptions {
  ssid: string;
  password: string;
  timers: Timers;
  log: Logger;
  /** The station's address once connected (Moddable `Net.get("IP")`), for the log line. */
  address?: () => string | number | undefined;
  /** How long to wait for an address before rejoining; default 30 s. */
  joinTimeoutMs?: number;
}

export function wifiLink(WiFi: WiFiModule, options: WifiLinkOptions): NetworkLink {
  return new WifiLink(WiFi, options);
}

/** Its methods are the station's callbacks: one object, no closure per callback (docs/xs-memory.md). */
class WifiLink implements NetworkLink {
  readonly #joinTimeout: number;
  #station: WiFiStation | undefined;
  #watchdog: TimerHandle | undefined;
  #up = false;
  #attempts = 0;
  #notify: ((up: boolean) => void) | undefined;

  constructor(
    private readonly WiFi: WiFiModule,
    private readonly options: WifiLinkOptions,
  ) {
    this.#joinTimeout = options.joinTimeoutMs ?? 30_000;
  }

  start(onChange: (up: boolean) => void): void {
    const { ssid, password, log } = this.options;
    this.#notify = onChange;
    if (ssid === "") {
      log.info("wifi: no ssid configured; using the board's existing network");
      this.#up = true;
      onChange(true);
      return;
    }
    log.info(`wifi: joining "${ssid}"`);
    this.#station = new this.WiFi({ ssid, password }, (message) => this.#onMessage(message));
    this.#arm();
  }

  stop(): void {
    this.options.timers.clear(this.#watchdog);
    this.#watchdog = undefined;
    this.#station?.close();
    this.#station = undefined;
  }

  #arm(): void {
    const timers = this.options.timers;
    timers.clear(this.#watchdog);
    this.#watchdog = timers.set(() => this.#timedOut(), this.#joinTimeout);
  }

  #timedOut(): void {
    const { ssid, password, log } = this.options;
    this.#watchdog = undefined;
    this.#attempts++;
    log.warn(
      `wifi: no address from "${ssid}" after ${Math.round((this.#attempts * this.#joinTimeout) / 1000)} s; check ssid and password; retrying`,
    );
    this.WiFi.connect({ ssid, password });
    this.#arm();
  }

  #onMessage(message: string): void {
    const { ssid, password, log } = this.options;
    if (message === "gotIP") {
      this.options.timers.clear(this.#watchdog);
      this.#watchdog = undefined;
      this.#attempts = 0;
      if (!this.#up) {
        this.#up = true;
        log.info(`wifi: connected to "${ssid}", address ${String(this.options.address?.() ?? "?")}`);
        this.#notify?.(true);
      }
    } else if (message === "disconnect" || message === "lostIP") {
      if (this.#up) {
        this.#up = false;
        log.warn(`wifi: lost "${ssid}" (${message}); rejoining`);
        this.#notify?.(false);
      }
      if (message === "disconnect") this.WiFi.connect({ ssid, password });
      if (this.#watchdog === undefined) this.#arm();
    }
  }
}
