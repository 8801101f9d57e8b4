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
  const { ssid, password, timers, log } = options;
  const joinTimeout = options.joinTimeoutMs ?? 30_000;
  let station: WiFiStation | undefined;
  let watchdog: TimerHandle | undefined;
  let up = false;
  let attempts = 0;
  let notify: (up: boolean) => void = () => {};

  const arm = () => {
    timers.clear(watchdog);
    watchdog = timers.set(() => {
      watchdog = undefined;
      attempts++;
      log.warn(`wifi: no address from "${ssid}" after ${Math.round((attempts * joinTimeout) / 1000)} s; check ssid and password; retrying`);
      WiFi.connect({ ssid, password });
      arm();
    }, joinTimeout);
  };

  const onMessage = (message: string) => {
    if (message === "gotIP") {
      timers.clear(watchdog);
      watchdog = undefined;
      attempts = 0;
      if (!up) {
        up = true;
        log.info(`wifi: connected to "${ssid}", address ${String(options.address?.() ?? "?")}`);
        notify(true);
      }
    } else if (message === "disconnect" || message === "lostIP") {
      if (up) {
        up = false;
        log.warn(`wifi: lost "${ssid}" (${message}); rejoining`);
        notify(false);
      }
      if (message === "disconnect") WiFi.connect({ ssid, password });
      if (watchdog === undefined) arm();
    }
  };

  return {
    start(onChange) {
      notify = onChange;
      if (ssid === "") {
        log.info("wifi: no ssid configured; using the board's existing network");
        up = true;
        onChange(true);
        return;
      }
      log.info(`wifi: joining "${ssid}"`);
      station = new WiFi({ ssid, password }, onMessage);
      arm();
    },
    stop() {
      timers.clear(watchdog);
      watchdog = undefined;
      station?.close();
      station = undefined;
    },
  };
}
