// The device's entry point (the `main` module mcconfig runs). It is the only file that
// imports the Moddable platform modules: it wires them into the application's platform
// seam and starts the application. Preloadable: nothing runs until main() is called.
// The platform pieces are module-level frozen functions and objects (flash after preload),
// not closures made in main(): only the board object that remembers the app is in RAM.
import Timer from "timer";
import config from "mc/config";
import WiFi from "wifi";
import Net from "net";
import TCP from "embedded:io/socket/tcp";
import SMBus from "embedded:io/smbus";
import Digital from "embedded:io/digital";
import Preference from "preference";
import SNTP from "sntp";
import Instrumentation from "instrumentation";
import Time from "time";
import tlsSocket from "tls-socket";
import deepSleep from "deep-sleep";
import { startApp, type App, type AppPlatform } from "./app.js";
import { traceLogger } from "./log.js";
import type { ByteSocketOptions, Clock, Led, Timers } from "./platform.js";

// The callbacks take no arguments, so Moddable's timer (which passes itself) calls them directly.
const timers: Timers = Object.freeze({
  set: (callback: () => void, milliseconds: number) => Timer.set(callback, milliseconds),
  repeat: (callback: () => void, milliseconds: number) => Timer.repeat(callback, milliseconds),
  clear: (handle: object | undefined) => Timer.clear(handle),
});

const clock: Clock = Object.freeze({ now: () => Time.ticks });

const log = traceLogger(trace);

function heapInUse(): number | undefined {
  const slots = Instrumentation.get(Instrumentation.map("XS Slot Heap Used"));
  const chunks = Instrumentation.get(Instrumentation.map("XS Chunk Heap Used"));
  return slots === undefined || chunks === undefined ? undefined : slots + chunks;
}

function rssi(): number | undefined {
  const value = Net.get("RSSI");
  return typeof value === "number" ? value : undefined;
}

function address(): string | number | undefined {
  return Net.get("IP");
}

function resolve(host: string, callback: (address: string | undefined) => void): void {
  Net.resolve(host, (_name, found) => callback(found));
}

function socket(options: ByteSocketOptions) {
  return new TCP({
    address: options.address,
    port: options.port,
    nodelay: true,
    onReadable: options.onReadable,
    onWritable: options.onWritable,
    onError: options.onError,
  });
}

function sntp(host: string, callback: (seconds: number | undefined) => void): void {
  new SNTP({ host }, (message, value) => {
    if (message === 1 && typeof value === "number") callback(value);
    else if (message === -1) callback(undefined);
  });
}

function boardLed(): Led | undefined {
  const pin = device.pin?.led;
  if (pin === undefined) return undefined;
  const io = new Digital({ pin, mode: Digital.Output });
  return { write: (on) => io.write(on ? 1 : 0) };
}

/** The platform seam on this board; `restart` stops the app it started first. */
class Board {
  app: App | undefined;
  readonly led: Led | undefined = boardLed();
  readonly restart = () => {
    this.app?.stop();
    System.restart();
  };

  platform(): AppPlatform {
    const bus = device.I2C.default;
    return {
      config, timers, clock, log, wifi: WiFi, address, resolve, socket, tls: tlsSocket,
      i2c: { io: SMBus, data: bus?.data, clock: bus?.clock },
      preference: Preference, sntp, heap: heapInUse, rssi, led: this.led, restart: this.restart, sleep: deepSleep,
    };
  }
}

export default function main(): void {
  const board = new Board();
  board.app = startApp(board.platform());
}
