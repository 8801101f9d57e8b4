// The simulated board: the hardware a Moddable ESP32 gives the firmware, built from host
// parts. Its clock (real or virtual), an I2C bus with the TSL2591 chip model at 0x29, real
// TCP sockets, a Wi-Fi access point, the frozen `mc/config`, and the `device` provider.
// The firmware runs unmodified on top, always through its own entry: boot() runs
// src/main.ts, whose Moddable imports the loader resolves to host-sim/platform/, on this
// board (host-sim/registry.ts); on XS, host-sim/xs runs the same main.ts against this board.
import { lookup } from "node:dns";
import { readFileSync } from "node:fs";
import type { App } from "../src/app.js";
import type { ByteSocket, ByteSocketOptions, Resolver, SocketFactory } from "../src/platform.js";
import { RealClock, type BoardClock } from "./clock.js";
import { I2CBus } from "./io/i2c.js";
import { smbusClass } from "./io/i2c-smbus.js";
import { digitalClass, type SimDigitalClass } from "./io/digital.js";
import type { Tsl2591Model } from "./chips/tsl2591.js";
import { tcpSocketFactory, tlsSocketFactory, type TlsOptions } from "./net/sockets.js";
import { sensorSimFromKeys } from "./scene.js";
import { SimAccessPoint } from "./parts/access-point.js";
import { onBoard } from "./registry.js";
import { SimFlash } from "./parts/flash.js";
import { SimLed } from "./parts/led.js";
import { SimRtc } from "./parts/rtc.js";

export interface BoardOptions {
  /** The board's `mc/config`: manifest config with key=value arguments merged over it. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Simulator keys (`sim_…`): light scene, sensor faults, Wi-Fi. */
  readonly sim?: Readonly<Record<string, string>>;
  readonly clock?: BoardClock;
  /** Where the firmware's `trace` output goes; default stderr. */
  readonly trace?: (text: string) => void;
}

type Main = { default: () => App | undefined };
/** src/main.ts, loaded once per process on the first boot (its Moddable imports resolve to host-sim/platform/). */
let firmwareMain: Promise<Main> | undefined;

/** The board's Wi-Fi network when the simulator is not told otherwise. */
export const SIM_WIFI_DEFAULTS = Object.freeze({ ssid: "luxflow-sim", password: "" });

export class Board {
  readonly clock: BoardClock;
  readonly config: Readonly<Record<string, unknown>>;
  readonly i2c = new I2CBus();
  readonly wifi: SimAccessPoint;
  readonly sensor: Tsl2591Model;
  readonly trace: (text: string) => void;
  readonly io: { readonly SMBus: ReturnType<typeof smbusClass> };
  /** The ECMA-419 `device` global, as the esp32/nodemcu provider shapes it. */
  readonly device: Readonly<{
    I2C: { default: { io: unknown; data: number; clock: number } };
    io: { SMBus: unknown; Digital: SimDigitalClass };
    pin: { led: number; button: number };
  }>;
  /** Moddable `preference`'s flash: survives restart(); with sim_flash=<file>, a new process. */
  readonly flash: SimFlash;
  readonly led: SimLed;
  /** The RTC domain deep sleep keeps: its memory and the reset reason. */
  readonly rtc = new SimRtc();
  /** The `System` global's part the firmware uses. */
  readonly system = Object.freeze({ restart: () => this.restart() });
  /** The app src/main.ts started on this board's latest boot() (undefined: refused, not booted, or on XS). */
  app: App | undefined;
  /** Boots of src/main.ts in this process so far: boot(), and each restart or wake that calls it. */
  boots = 0;
  /** Every host name the firmware asked `Net.resolve` for. */
  readonly lookups = new Set<string>();
  /** Simulated reboots so far. */
  restarts = 0;
  /** Deep sleeps so far, and for each: board time it began, milliseconds slept, flash writes so far. */
  sleeps = 0;
  readonly sleepLog: { readonly at: number; readonly ms: number; readonly flashWrites: number }[] = [];
  /** Told of each deep sleep as it begins (tests act on the board between wakes). */
  onSleep: ((sleeps: number) => void) | undefined;
  #off = false;
  readonly #sntp: boolean;
  readonly #timeServer: string;
  readonly #sockets = new Set<ByteSocket>();
  readonly #tcp = tcpSocketFactory();

  constructor(options: BoardOptions) {
    this.clock = options.clock ?? new RealClock();
    this.config = Object.freeze({ ...options.config });
    this.trace = options.trace ?? ((text) => process.stderr.write(text));
    const sim = options.sim ?? {};
    this.wifi = new SimAccessPoint({
      ssid: sim.sim_wifi_ssid ?? SIM_WIFI_DEFAULTS.ssid,
      password: sim.sim_wifi_password ?? SIM_WIFI_DEFAULTS.password,
      clock: this.clock,
    });
    this.sensor = sensorSimFromKeys(sim, this.clock, this.clock).attach(this.i2c);
    this.#scheduleWifiDrop(sim);
    this.flash = new SimFlash(sim.sim_flash === undefined || sim.sim_flash === "" ? undefined : sim.sim_flash);
    this.led = new SimLed(() => this.clock.now(), this.trace);
    this.#sntp = sim.sim_sntp !== "0";
    this.#timeServer = typeof this.config.sntp === "string" ? this.config.sntp : "pool.ntp.org";
    const SMBus = smbusClass(this.i2c);
    this.io = Object.freeze({ SMBus });
    const Digital = digitalClass(2, this.led);
    this.device = Object.freeze({
      I2C: Object.freeze({ default: Object.freeze({ io: SMBus, data: 21, clock: 22 }) }),
      io: Object.freeze({ SMBus, Digital }),
      pin: Object.freeze({ led: 2, button: 0 }),
    });
  }

  /** `new TCP(options)` on this board: a real host socket. */
  openTcp<T>(options: ByteSocketOptions<T>): ByteSocket {
    return this.#track(this.#tcp, options);
  }

  /** A TLS socket on this board (the simulator's counterpart of Moddable's TLS socket). */
  openTls<T>(options: ByteSocketOptions<T>, tls: TlsOptions): ByteSocket {
    return this.#track(tlsSocketFactory(tls), options);
  }

  /** luxflow's `tls-socket` on this board: TLS to `host`, trusting the PEM/DER file `ca` ("" = Node's roots). */
  tlsSocket(host: string, ca: string): SocketFactory {
    const tls: TlsOptions = { servername: host, ...(ca === "" ? {} : { ca: readFileSync(ca) }) };
    return (options) => this.openTls(options, tls);
  }

  #track<T>(factory: SocketFactory, options: ByteSocketOptions<T>): ByteSocket {
    const sockets = this.#sockets;
    const socket = factory({
      ...options,
      onError(message) {
        sockets.delete(socket);
        options.onError.call(this, message);
      },
    });
    this.#sockets.add(socket);
    return socket;
  }

  /**
   * `Net.resolve`: IPv4 only, as ECMA-419 TCP on the device needs. The simulated network's DNS
   * knows its time server: the name in the board's `sntp` config answers 127.0.0.1 (the board's
   * SNTP answers there) without the internet, unless sim_sntp=0.
   */
  readonly resolve: Resolver = (host, callback) => {
    this.lookups.add(host);
    if (this.#sntp && host === this.#timeServer) {
      this.clock.set(() => callback("127.0.0.1"), 0);
      return;
    }
    lookup(host, { family: 4 }, (error, address) => callback(error ? undefined : address));
  };

  /**
   * Moddable `sntp` on this board: the host's time (plus time slept) after 20 ms, or a failure
   * with sim_sntp=0. It takes a dotted IPv4 address only: given a name that does not resolve,
   * the SDK 8.2.3 SNTP module's failure path ended the app with an uncaught exception on -p lin,
   * so the firmware resolves first (src/main.ts); a name here is a failure with a line that says why.
   */
  sntp(host: string, callback: (seconds: number | undefined) => void): void {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) {
      this.trace(
        `sim: sntp was given the name "${host}", not an address (resolve it first: Moddable's SNTP fails hard when a name does not resolve)\n`,
      );
      this.clock.set(() => callback(undefined), 20);
      return;
    }
    // The world's time moves with the board's across a simulated deep sleep (RealClock.skip).
    const skipped = this.clock instanceof RealClock ? this.clock.skipped : 0;
    this.clock.set(() => callback(this.#sntp ? Math.floor((Date.now() + skipped) / 1000) : undefined), 20);
  }

  /**
   * `System.restart()`: the board goes down (sockets closed, timers cancelled) and boots the
   * firmware again from main, as a new instance; the flash (preference) is kept.
   */
  restart(): void {
    this.restarts++;
    this.rtc.woke = false;
    this.trace(`sim: restart ${this.restarts}\n`);
    this.shutdown();
    this.clock.set(() => void this.boot(), 10);
  }

  /** The firmware's deep sleep (its `deep-sleep` module): power down, then boot main again. */
  deepSleep(microseconds: number): void {
    this.shutdown();
    this.afterSleep(microseconds / 1000, () => void this.boot());
  }

  /**
   * Power on (or reboot): runs the firmware's `main` (src/main.ts) on this board in this
   * process, as the device does after reset. Resolves to the app it started, also kept in `app`.
   */
  async boot(): Promise<App | undefined> {
    firmwareMain ??= import("../src/main.js") as Promise<Main>;
    const { default: main } = await firmwareMain;
    this.boots++;
    this.app = this.run(main);
    return this.app;
  }

  /** Runs `body` on this board: the firmware code it calls reads this board's modules and globals. */
  run<T>(body: () => T): T {
    return onBoard(this, body);
  }

  /**
   * The board sleeps `ms` (RAM lost: the caller has discarded the firmware instance; flash and
   * RTC kept), then `boot` runs main. On a real clock time jumps ahead rather than being waited
   * out; on a virtual clock the wake is a timer `ms` ahead.
   */
  afterSleep(ms: number, boot: () => void): void {
    this.sleeps++;
    this.sleepLog.push({ at: this.clock.now(), ms, flashWrites: this.flash.writes });
    this.trace(`sim: deep sleep ${this.sleeps} for ${ms / 1000} s\n`);
    this.rtc.woke = true;
    this.onSleep?.(this.sleeps);
    const wake = () => {
      if (!this.#off) boot();
    };
    const clock = this.clock;
    if (clock instanceof RealClock) {
      clock.skip(ms);
      clock.set(wake, 1);
    } else {
      clock.set(wake, ms);
    }
  }

  /** Power off for good: a sleeping board does not wake again. */
  powerOff(): void {
    this.#off = true;
    this.shutdown();
  }

  /** sim_wifi_drop_at / sim_wifi_drop_for: the access point goes away for a while. */
  #scheduleWifiDrop(sim: Readonly<Record<string, string>>): void {
    const seconds = (key: string, fallback: string | undefined): number | undefined => {
      const text = sim[key] ?? fallback;
      if (text === undefined || text === "") return undefined;
      const n = Number(text);
      if (!Number.isFinite(n) || n < 0) throw new Error(`${key}: expected seconds, a number from 0 up, got "${text}"`);
      return n;
    };
    const at = seconds("sim_wifi_drop_at", undefined);
    const length = seconds("sim_wifi_drop_for", "10");
    if (at === undefined || length === undefined) return;
    this.clock.set(() => this.wifi.drop(), at * 1000);
    this.clock.set(() => this.wifi.restore(), (at + length) * 1000);
  }

  /** Power off: close every socket and cancel every timer the board owns. */
  shutdown(): void {
    for (const socket of this.#sockets) socket.close();
    this.#sockets.clear();
    if (this.clock instanceof RealClock) this.clock.clearAll();
  }
}
