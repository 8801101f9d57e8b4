// The device's entry point (the `main` module mcconfig runs). It is the only file that
// imports the Moddable platform modules: it wires them into the application's platform
// seam and starts the application. Preloadable: nothing runs until main() is called.
import Timer from "timer";
import config from "mc/config";
import WiFi from "wifi";
import Net from "net";
import TCP from "embedded:io/socket/tcp";
import SMBus from "embedded:io/smbus";
import tlsSocket from "tls-socket";
import { startApp } from "./app.js";
import { traceLogger } from "./log.js";
import type { Timers } from "./platform.js";

const timers: Timers = Object.freeze({
  set: (callback: () => void, milliseconds: number) => Timer.set(() => callback(), milliseconds),
  repeat: (callback: () => void, milliseconds: number) => Timer.repeat(() => callback(), milliseconds),
  clear: (handle: object | undefined) => Timer.clear(handle),
});

export default function main(): void {
  const bus = device.I2C.default;
  startApp({
    config,
    timers,
    clock: { now: () => Date.now() },
    log: traceLogger((text) => trace(text)),
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
  });
}
