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

export interface ByteSocketOptions {
  /** Dotted IPv4: ECMA-419 TCP on Moddable does not resolve names. */
  address: string;
  port: number;
  /** Bytes arrived; read them with read(). */
  onReadable(count: number): void;
  /** The first call means connected; later calls mean send space is free. */
  onWritable(count: number): void;
  /** Connection failed or closed (Moddable calls it for a remote close too). */
  onError(message?: string): void;
}

export type SocketFactory = (options: ByteSocketOptions) => ByteSocket;

/** Resolves a host name to a dotted IPv4 address (Moddable `Net.resolve`). */
export type Resolver = (host: string, callback: (address: string | undefined) => void) => void;

/** The board's network link (Moddable `wifi`): reports when the station has an IP. */
export interface NetworkLink {
  /** Starts joining; `onChange(true)` once an address is held, `onChange(false)` when lost. */
  start(onChange: (up: boolean) => void): void;
  stop(): void;
}
