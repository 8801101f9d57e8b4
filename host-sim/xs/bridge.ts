// Node side of the XS bridge: serves the XS shims' requests (host-sim/xs/shims/) from the
// one simulated Board — its clock, I2C bus and chip model (through the board's own SMBus
// class), real TCP sockets, Wi-Fi access point and config — and turns the board's callbacks
// into events for XS. The board model is the same one the Node engine uses; only the engine
// differs.
import type { ByteSocket, ByteSocketOptions, Resolver, SocketFactory, TimerHandle } from "../../src/platform.js";
import type { BoardClock } from "../clock.js";

/** What the bridge needs of host-sim's Board (host-sim/board.ts satisfies it). */
export interface XsBoard {
  readonly clock: BoardClock;
  readonly config: Readonly<Record<string, unknown>>;
  readonly trace: (text: string) => void;
  readonly io: { readonly SMBus: unknown };
  readonly device: {
    readonly I2C: { readonly default?: { readonly data: number; readonly clock: number } };
    readonly pin?: Readonly<Record<string, number>>;
  };
  /** The board's access point (host-sim/parts/access-point.ts). */
  readonly wifi: {
    readonly joined: boolean;
    readonly ssid: string;
    station(options: { ssid: string; password?: string }, callback: (message: string) => void): { close(): void };
    connect(options?: { ssid: string; password?: string }): void;
  };
  openTcp<T>(options: ByteSocketOptions<T>): ByteSocket;
  readonly flash: {
    get(domain: string, key: string): unknown;
    set(domain: string, key: string, value: never): void;
    delete(domain: string, key: string): void;
    keys(domain: string): string[];
  };
  readonly led: { write(on: boolean): void };
  sntp(host: string, callback: (seconds: number | undefined) => void): void;
  /** The RTC domain deep sleep keeps (host-sim/parts/rtc.ts), on boards that have one. */
  readonly rtc?: { readonly woke: boolean; read(): ArrayBuffer; write(data: ArrayBuffer): void };
  /** luxflow's `tls-socket` on this board. */
  tlsSocket(host: string, ca: string): SocketFactory;
  readonly resolve: Resolver;
}

/** An event for the XS side: delivered as one turn, in order. */
export interface XsEvent {
  readonly kind: string;
  readonly id?: number;
  readonly [field: string]: unknown;
}

type Request = { readonly op: string; readonly [field: string]: any };
type SMBusInstance = Record<string, (...args: unknown[]) => unknown>;
type SMBusClass = new (options: Record<string, unknown>) => SMBusInstance;

function bytesOf(data: ArrayBuffer | Uint8Array | undefined): number[] | null {
  if (data === undefined) return null;
  return Array.from(data instanceof Uint8Array ? data : new Uint8Array(data));
}

/** Arguments from XS: {data:[…]} is a buffer, {bytes:n} a count; anything else as is. */
function decodeArg(arg: unknown): unknown {
  if (arg !== null && typeof arg === "object") {
    const { data, bytes } = arg as { data?: number[]; bytes?: number };
    if (Array.isArray(data)) return Uint8Array.from(data).buffer;
    if (typeof bytes === "number") return bytes;
  }
  return arg;
}

function encodeResult(value: unknown): unknown {
  if (value instanceof ArrayBuffer || value instanceof Uint8Array) return bytesOf(value);
  return value ?? null;
}

export class XsBridge {
  readonly #board: XsBoard;
  readonly #deliver: (event: XsEvent) => void;
  readonly #timers = new Map<number, { handle: TimerHandle; due: number }>();
  readonly #smbus = new Map<number, SMBusInstance>();
  readonly #sockets = new Map<number, ByteSocket>();
  readonly #stations = new Map<number, { close(): void }>();
  #stopped = false;
  /** System.restart() from XS; the runner replaces it to reboot the firmware. */
  onRestart: () => void = () => undefined;
  /** Deep sleep from XS (the `deep-sleep` module); the runner replaces it to sleep and reboot. */
  onDeepSleep: (microseconds: number) => void = () => undefined;
  /** Problems the preload freeze reported (module-level values XS could not freeze). */
  readonly preloadProblems: string[] = [];

  constructor(board: XsBoard, deliver: (event: XsEvent) => void) {
    this.#board = board;
    this.#deliver = (event) => {
      if (!this.#stopped) deliver(event);
    };
  }

  /** The earliest deadline of a live XS timer, on the board's clock. */
  nextTimerDue(): number | undefined {
    let due: number | undefined;
    for (const timer of this.#timers.values()) if (due === undefined || timer.due < due) due = timer.due;
    return due;
  }

  /** Serves one request from XS; the reply is JSON. */
  handle(request: Request): unknown {
    const board = this.#board;
    switch (request.op) {
      case "trace":
        board.trace(String(request.text));
        return null;
      case "now":
        return board.clock.now();
      case "config":
        return board.config;
      case "device":
        return { i2c: board.device.I2C.default, pin: board.device.pin };
      case "preload":
        this.preloadProblems.push(...(request.problems as string[]));
        return null;
      case "timer.set": {
        const id = request.id as number;
        const previous = this.#timers.get(id);
        if (previous !== undefined) board.clock.clear(previous.handle);
        const ms = request.ms as number;
        const handle = board.clock.set(() => {
          this.#timers.delete(id);
          this.#deliver({ kind: "timer", id });
        }, ms);
        this.#timers.set(id, { handle, due: board.clock.now() + ms });
        return null;
      }
      case "timer.clear": {
        const timer = this.#timers.get(request.id as number);
        if (timer !== undefined) board.clock.clear(timer.handle);
        this.#timers.delete(request.id as number);
        return null;
      }
      case "timer.delay":
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, request.ms as number);
        return null;
      case "net.get":
        return this.#netGet(request.property as string);
      case "net.resolve": {
        const id = request.id as number;
        const host = String(request.host);
        board.resolve(host, (address) => this.#deliver({ kind: "resolve", id, host, address: address ?? null }));
        return null;
      }
      case "wifi.new": {
        const id = request.id as number;
        const options = request.options as { ssid: string; password?: string };
        this.#stations.set(
          id,
          board.wifi.station(options, (message) => this.#deliver({ kind: "wifi", id, message })),
        );
        return null;
      }
      case "wifi.close":
        this.#stations.get(request.id as number)?.close();
        this.#stations.delete(request.id as number);
        return null;
      case "wifi.connect":
        board.wifi.connect((request.options ?? undefined) as { ssid: string; password?: string } | undefined);
        return null;
      case "wifi.disconnect":
        // The access point has no station-wide disconnect (nor has the Node `wifi` stand-in): nothing to do.
        return null;
      case "smbus.new": {
        const SMBus = board.io.SMBus as SMBusClass;
        this.#smbus.set(request.id as number, new SMBus(request.options as Record<string, unknown>));
        return null;
      }
      case "smbus.call": {
        const bus = this.#smbus.get(request.id as number);
        const method = bus?.[request.method as string];
        if (bus === undefined || typeof method !== "function") throw new Error(`smbus: no method ${request.method}`);
        const result = method.apply(bus, (request.args as unknown[]).map(decodeArg));
        if (request.method === "close") this.#smbus.delete(request.id as number);
        return encodeResult(result);
      }
      case "preference.get": {
        const value = board.flash.get(String(request.domain), String(request.key));
        return value instanceof ArrayBuffer ? { data: bytesOf(value) } : (value ?? null);
      }
      case "preference.set": {
        const value = decodeArg(request.value);
        board.flash.set(String(request.domain), String(request.key), value as never);
        return null;
      }
      case "preference.delete":
        board.flash.delete(String(request.domain), String(request.key));
        return null;
      case "preference.keys":
        return board.flash.keys(String(request.domain));
      case "sntp": {
        const id = request.id as number;
        board.sntp(String(request.host), (seconds) => this.#deliver({ kind: "sntp", id, seconds: seconds ?? null }));
        return null;
      }
      case "digital.write":
        if (request.pin === board.device.pin?.led) board.led.write(request.value !== 0);
        return null;
      case "system.restart":
        this.onRestart();
        return null;
      case "sleep.woke":
        return this.#rtc().woke;
      case "rtc.bytes":
        return this.#rtc().read().byteLength;
      case "rtc.read":
        return bytesOf(this.#rtc().read());
      case "rtc.write":
        this.#rtc().write(Uint8Array.from(request.data as number[]).buffer);
        return null;
      case "sleep.deep":
        this.onDeepSleep(request.microseconds as number);
        return null;
      case "tcp.new":
        return this.#openTcp(request);
      case "tcp.read":
        return bytesOf(this.#socket(request.id).read());
      case "tcp.write":
        return this.#socket(request.id).write(Uint8Array.from(request.data as number[]));
      case "tcp.close":
        this.#sockets.get(request.id as number)?.close();
        this.#sockets.delete(request.id as number);
        return null;
      default:
        throw new Error(`xs bridge: unknown request ${request.op}`);
    }
  }

  /** Cancels the XS side's timers and closes its sockets and stations (board power-off). */
  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers.values()) this.#board.clock.clear(timer.handle);
    this.#timers.clear();
    for (const socket of this.#sockets.values()) socket.close();
    this.#sockets.clear();
    for (const station of this.#stations.values()) station.close();
    this.#stations.clear();
  }

  #rtc(): NonNullable<XsBoard["rtc"]> {
    const rtc = this.#board.rtc;
    if (rtc === undefined) throw new Error("this board has no deep sleep (no RTC part)");
    return rtc;
  }

  #socket(id: unknown): ByteSocket {
    const socket = this.#sockets.get(id as number);
    if (socket === undefined) throw new Error("closed");
    return socket;
  }

  #openTcp(request: Request): null {
    const id = request.id as number;
    const event = (what: string, value: unknown) => this.#deliver({ kind: "tcp", id, what, value: value ?? null });
    const tls = request.tls as { host: string; ca: string } | null;
    const open: SocketFactory = tls === null ? (o) => this.#board.openTcp(o) : this.#board.tlsSocket(tls.host, tls.ca);
    // The XS side's socket (host-sim/xs/shims/tcp.xs.ts) keeps the firmware's target and `this`.
    const socket = open({
      address: request.address as string,
      port: request.port as number,
      target: id,
      onReadable: (count) => event("readable", count),
      onWritable: (count) => event("writable", count),
      onError: (message) => {
        this.#sockets.delete(id);
        event("error", message);
      },
    });
    this.#sockets.set(id, socket);
    return null;
  }

  // Mirrors host-sim/platform/net.ts (Net.get on the simulated board).
  #netGet(property: string): string | number | null {
    const wifi = this.#board.wifi;
    if (!wifi.joined) return null;
    if (property === "IP") return "127.0.0.1";
    if (property === "SSID") return wifi.ssid;
    if (property === "RSSI") return -55;
    return null;
  }
}
