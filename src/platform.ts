// The platform seam: what the application needs from a board, as small interfaces in the
// shape of the Moddable APIs they stand for. src/main.ts wires the real Moddable modules
// into these; the host simulator and unit tests wire their own. Nothing here imports a
// platform module, so every layer above it is testable with injected time and IO.

/** An opaque timer handle (Moddable `timer` returns an object). */
export type TimerHandle = object;

/** Moddable `timer`, reduced to what the firmware uses. */
export interface Timers {
  set(callback: () => void, milliseconds: number): TimerHandle;
  repeat(callback: () => void, milliseconds: number): TimerHandle;
  clear(handle: TimerHandle | undefined): void;
}

/** Milliseconds: wall-clock time once the board's clock is set (SNTP), else time since boot. */
export interface Clock {
  now(): number;
}

/** One readable line per event; the device prints it with `trace`. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** ECMA-419 `embedded:io/socket/tcp`, reduced to what the MQTT client uses. */
export interface ByteSocket {
  /** All buffered bytes, or undefined when none are buffered. */
  read(): ArrayBuffer | undefined;
  /** Queues bytes; returns the space left. Throws when the send buffer cannot take them. */
  write(data: Uint8Array): number;
  close(): void;
}

/**
 * What a socket calls its callbacks on: itself (ECMA-419 IO, modules/io/socket/lwip/tcp.c calls them with the TCP
 * instance as `this`), holding the `target` option it was made with (modules/io/common/builtinCommon.c,
 * builtinInitializeTarget). Callbacks shared by every connection find their owner there, with no closure per socket.
 */
export interface SocketThis<T> {
  readonly target: T;
}

export interface ByteSocketOptions<T> {
  /** Dotted IPv4: ECMA-419 TCP on Moddable does not resolve names. */
  address: string;
  port: number;
  /** Kept as the socket's `target` property: `this.target` in the callbacks. */
  target: T;
  /** Bytes arrived; read them with read(). */
  onReadable(this: SocketThis<T>, count: number): void;
  /** The first call means connected; later calls mean send space is free. */
  onWritable(this: SocketThis<T>, count: number): void;
  /** Connection failed or closed (Moddable calls it for a remote close too, with no message). */
  onError(this: SocketThis<T>, message?: string): void;
}

export type SocketFactory = <T>(options: ByteSocketOptions<T>) => ByteSocket;

/** Resolves a host name to a dotted IPv4 address (Moddable `Net.resolve`). */
export type Resolver = (host: string, callback: (address: string | undefined) => void) => void;

/** The board's network link (Moddable `wifi`): reports when the station has an IP. */
export interface NetworkLink {
  /** Starts joining; `onChange(true)` once an address is held, `onChange(false)` when lost. */
  start(onChange: (up: boolean) => void): void;
  stop(): void;
}

/** A preference value as Moddable `preference` stores it. */
export type PreferenceValue = boolean | number | string | ArrayBuffer;

/**
 * Moddable `preference` (documentation/files/files.md): small values in flash that survive a
 * reboot. ESP8266: names ≤ 32 characters, values ≤ 63 bytes; ESP32 (NVS): domain and key
 * names ≤ 15 characters, values ≤ 4000 bytes. Every set() wears flash: write on change only.
 */
export interface PreferenceStore {
  get(domain: string, key: string): PreferenceValue | undefined;
  set(domain: string, key: string, value: PreferenceValue): void;
  delete(domain: string, key: string): void;
  keys(domain: string): string[];
}

/** Asks `host` for network time (Moddable `sntp`): Unix seconds, or undefined on failure. */
export type NetworkTime = (host: string, callback: (seconds: number | undefined) => void) => void;

/** The board's LED (ECMA-419 Digital on `device.pin.led`). */
export interface Led {
  write(on: boolean): void;
}

/**
 * Deep sleep (src/board/esp-sleep on the ESP8266, src/board/esp32-sleep on the ESP32): the
 * chip powers down but for its RTC, and boots `main` again when the timer ends; RAM is lost,
 * flash (`preference`) and a few bytes of RTC memory are kept.
 */
export interface DeepSleep {
  /** True when this boot is a wake from deep sleep; false after power-on or any reset. */
  readonly woke: boolean;
  /** Bytes of RTC memory the firmware may use. */
  readonly rtcBytes: number;
  /** The RTC memory's bytes as last written (garbage after power-on: check them). */
  read(): ArrayBuffer;
  write(data: ArrayBuffer): void;
  /** Powers down for `microseconds`, then boots again; nothing after it runs on a device. */
  sleep(microseconds: number): void;
}

/** Optional board features; where one is missing the firmware says so and does without. */
export interface BoardExtras {
  readonly preference?: PreferenceStore;
  readonly sntp?: NetworkTime;
  /** Bytes of JS heap in use (Moddable `instrumentation`), where the build has it. */
  readonly heap?: () => number | undefined;
  /** Wi-Fi signal in dBm (Moddable `Net.get("RSSI")`). */
  readonly rssi?: () => number | undefined;
  readonly led?: Led;
  /** Reboots the board (Moddable `System.restart()`). */
  readonly restart?: () => void;
  readonly sleep?: DeepSleep;
}
