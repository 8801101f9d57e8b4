// The device's entry point (the `main` module mcconfig runs). It is the only file that
// imports the Moddable platform modules: it wires them into the application's platform
// seam and starts the application. Preloadable: nothing runs until main() is called.
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
import { startApp, type App } from "./app.js";
import { traceLogger } from "./log.js";
import type { Led, Timers } from "./platform.js";

const timers: Timers = Object.freeze({
  set: (callback: () => void, milliseconds: number) => Timer.set(() => callback(), milliseconds),
  repeat: (callback: () => void, milliseconds: number) => Timer.repeat(() => callback(), milliseconds),
  clear: (handle: object | undefined) => Timer.clear(handle),
});

function heapInUse(): number | undefined {
  const slots = Instrumentation.get(Instrumentation.map("XS Slot Heap Used"));
  const chunks = Instrumentation.get(Instrumentation.map("XS Chunk Heap Used"));
  return slots === undefined || chunks === undefined ? undefined : slots + chunks;
}

function boardLed(): Led | undefined {
  const pin = device.pin?.led;
  if (pin === undefined) return undefined;
  const io = new Digital({ pin, mode: Digital.Output });
  return { write: (on) => io.write(on ? 1 : 0) };
}

export default function main(): void {
  const bus = device.I2C.default;
  const log = traceLogger((text) => trace(text));
  const app: { current?: App | undefined } = {};
  app.current = startApp({
    config,
    timers,
    clock: { now: () => Time.ticks },
    log,
    wifi: WiFi,
    address: () => Net.get("IP"),
    resolve: (host, callback) => Net.resolve(host, (_name, address) => callback(address)),
    socket: (options) =>
      new TCP({
        address: options.address,
        port: options.port,
        nodelay: true,
        onReadable: options.onReadable,
        onWritable: options.onWritable,
        onError: options.onError,
      }),
    tls: tlsSocket,
    i2c: { io: SMBus, data: bus?.data, clock: bus?.clock },
    preference: Preference,
    sntp: (host, callback) => {
      new SNTP({ host }, (message, value) => {
        if (message === 1 && typeof value === "number") callback(value);
        else if (message === -1) callback(undefined);
      });
    },
    heap: heapInUse,
    rssi: () => {
      const rssi = Net.get("RSSI");
      return typeof rssi === "number" ? rssi : undefined;
    },
    led: boardLed(),
    restart: () => {
      app.current?.stop();
      System.restart();
    },
  });
}
