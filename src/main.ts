// The device's entry point (the `main` module mcconfig runs). It is the only file that
// imports the Moddable platform modules: it wires them into the application's platform
// seam and starts the application. Preloadable: nothing runs until main() is called.
// The platform pieces are module-level frozen functions and objects (flash after preload),
// not closures made in main() (docs/xs-memory.md): only the wiring object that remembers the app is in RAM.
// The host simulator runs this same file on its simulated boards (host-sim/board.ts boot()).
// IO classes come from the board's ECMA-419 host provider (`device.io`, set up by the SDK's
// system module from embedded:provider/builtin; on -p lin by host-sim/lin/device.ts).
import Timer from "timer";
import config from "mc/config";
import WiFi from "wifi";
import Net from "net";
import TCP, { type Options as TCPOptions } from "embedded:io/socket/tcp";
import Preference from "preference";
import SNTP from "sntp";
import Instrumentation from "instrumentation";
import Time from "time";
import tlsSocket from "tls-socket";
import deepSleep from "deep-sleep";
import type { TSL2591SensorOptions } from "embedded:sensor/AmbientLight/TSL2591";
import { startApp, type App, type AppPlatform } from "./app.js";
import { traceLogger } from "./log.js";
import type { ByteSocket, ByteSocketOptions, Clock, Led, TimerHandle, Timers } from "./platform.js";

// Every handle the app clears came from Timer.set/repeat below: it is the SDK's branded Timer.
const timers: Timers = Object.freeze({
  set: (callback: () => void, milliseconds: number) => Timer.set(callback, milliseconds),
  repeat: (callback: () => void, milliseconds: number) => Timer.repeat(callback, milliseconds),
  clear: (handle: TimerHandle | undefined) => Timer.clear(handle as Timer | undefined),
});

const clock: Clock = Object.freeze({ now: () => Time.ticks });

const log = Object.freeze(traceLogger(trace));

function heapInUse(): number | undefined {
  const slots = Instrumentation.get(Instrumentation.map("XS Slot Heap Used"));
  const chunks = Instrumentation.get(Instrumentation.map("XS Chunk Heap Used"));
  return slots === undefined || chunks === undefined ? undefined : slots + chunks;
}

function rssi(): number | undefined {
  const value: unknown = Net.get("RSSI");
  return typeof value === "number" ? value : undefined;
}

function address(): string | undefined {
  const value: unknown = Net.get("IP");
  return typeof value === "string" ? value : undefined;
}

function resolve(host: string, callback: (address: string | undefined) => void): void {
  Net.resolve(host, (_name, found) => callback(found));
}

// typings/embedded_io/socket/tcp.d.ts (SDK 8.2.3) types write() as void and read() as
// number | ArrayBuffer. The runtime (modules/io/socket/lwip/tcp.c, socket/lin/tcp.c) returns
// the free send space from write() and, in the default "buffer" format, an ArrayBuffer or
// undefined (nothing buffered) from read(): the ByteSocket the MQTT transport is written for.
// The constructor keeps `target` as the socket's `target` property and calls the callbacks
// with the socket as `this` (builtinInitializeTarget in modules/io/common/builtinCommon.c);
// tcp.d.ts types that `this` as TCP, whose declaration lacks the `target` the runtime sets.
function socket<T>(options: ByteSocketOptions<T>): ByteSocket {
  const callbacks = options as unknown as Pick<TCPOptions, "onReadable" | "onWritable" | "onError">;
  const tcp = new TCP({
    address: options.address,
    port: options.port,
    nodelay: true,
    target: options.target,
    onReadable: callbacks.onReadable,
    onWritable: callbacks.onWritable,
    onError: callbacks.onError,
  });
  return tcp as unknown as ByteSocket;
}

// The name is resolved here, and SNTP is given the address: on Moddable's desktop simulator a
// name that does not resolve made the SNTP module's failure path end the app with an uncaught
// exception (seen with SDK 8.2.3, -p lin, no network); a failed lookup is simply "no answer".
function sntp(host: string, callback: (seconds: number | undefined) => void): void {
  Net.resolve(host, (_name, address) => {
    if (address === undefined) {
      callback(undefined);
      return;
    }
    new SNTP({ host: address }, (message, value) => {
      if (message === 1 && typeof value === "number") callback(value);
      else if (message === -1) callback(undefined);
    });
  });
}

// typings/embedded_io/smbus.d.ts (SDK 8.2.3) declares the constructor's options as
// `ConstructorParameters<typeof I2C> & {…}`, a tuple type no options object satisfies, and
// typings/embedded_io/i2c.d.ts omits close(); modules/io/i2c/smbus.js takes the I2C options
// object and has close(). This is the class as the runtime has it.
function smbus(): TSL2591SensorOptions["io"] {
  return device.io.SMBus as unknown as TSL2591SensorOptions["io"];
}

function boardLed(): Led | undefined {
  const pin = device.pin.led;
  if (pin === undefined) return undefined;
  const io = new device.io.Digital({ pin, mode: device.io.Digital.Output });
  return { write: (on) => io.write(on ? 1 : 0) };
}

// Bare -p esp32 has no I2C.default (the provider names no pins), though the typing says it does.
function i2cPins(): { data?: number; clock?: number } {
  const bus: { data?: number; clock?: number } | undefined = device.I2C?.default;
  return bus === undefined ? {} : { data: bus.data, clock: bus.clock };
}

/** The platform seam wired from this board's modules; `restart` stops the app it started first. */
class PlatformWiring {
  app: App | undefined;
  readonly led: Led | undefined = boardLed();
  readonly restart = () => {
    this.app?.stop();
    System.restart();
  };

  platform(): AppPlatform {
    // Moddable's desktop simulator (modules/io/manifests/lin/system.js) has no System.restart.
    return {
      config,
      timers,
      clock,
      log,
      wifi: WiFi,
      address,
      resolve,
      socket,
      tls: tlsSocket,
      i2c: { io: smbus(), ...i2cPins() },
      preference: Preference,
      sntp,
      heap: heapInUse,
      rssi,
      led: this.led,
      restart: typeof System.restart === "function" ? this.restart : undefined,
      sleep: deepSleep,
    };
  }
}

/** Starts the app and returns it (undefined when its configuration is refused). */
export default function main(): App | undefined {
  const wiring = new PlatformWiring();
  wiring.app = startApp(wiring.platform());
  return wiring.app;
}
