// ECMA-419 IO classes as the Moddable SDK implements them (modules/io, documentation/io/io.md).
// Only the members the firmware uses are declared. Moddable's own typings omit I2C close()
// and writeRead(); they exist in modules/io/i2c/_i2c.js and are declared here.

declare module "embedded:io/smbus" {
  export interface SMBusOptions {
    data: number; clock: number; hz: number; address: number;
    port?: number; timeout?: number; pullup?: boolean;
  }
  export default class SMBus {
    constructor(options: SMBusOptions);
    readUint8(register: number): number;
    readUint16(register: number, bigEndian?: boolean): number;
    readBuffer(register: number, count: number | ArrayBufferLike): ArrayBuffer;
    writeUint8(register: number, value: number): void;
    writeUint16(register: number, value: number, bigEndian?: boolean): void;
    writeBuffer(register: number, buffer: ArrayBufferLike | ArrayBufferView): void;
    sendByte(command: number): void;
    receiveByte(): number;
    read(count: number): ArrayBuffer;
    write(buffer: ArrayBufferLike | ArrayBufferView, stop?: boolean): void;
    close(): void;
  }
}

declare module "embedded:io/socket/tcp" {
  export interface TCPOptions {
    /** Dotted IPv4 address: Moddable's lwIP TCP does not take host names. */
    address: string;
    port: number;
    nodelay?: boolean;
    format?: "buffer";
    onReadable?(this: TCP, bytes: number): void;
    onWritable?(this: TCP, bytes: number): void;
    onError?(this: TCP, message?: string): void;
  }
  export default class TCP {
    constructor(options: TCPOptions);
    read(): ArrayBuffer | undefined;
    /** Returns the free space in the send buffer; throws "would block" when full. */
    write(buffer: ArrayBufferLike | ArrayBufferView): number;
    close(): void;
  }
}

// Moddable's ECMA-419 TLS socket (examples/io/tcp/tlssocket/tlssocket.js): a TCP socket
// class in `TCP.io`, the server name in `host`, and `secure` options for ssl/session
// (e.g. `certificate`, a DER CA certificate).
declare module "embedded:io/socket/tcp/tls" {
  import type TCP from "embedded:io/socket/tcp";
  import type { TCPOptions } from "embedded:io/socket/tcp";
  export interface TLSSocketOptions extends TCPOptions {
    TCP: { io: typeof TCP };
    host: string;
    secure?: { certificate?: ArrayBufferLike; [option: string]: unknown };
  }
  export default class TLSSocket {
    constructor(options: TLSSocketOptions);
    read(): ArrayBuffer | undefined;
    write(buffer: ArrayBufferLike | ArrayBufferView): number;
    close(): void;
  }
}

// Moddable `Resource` (modules/files/resource): read-only data built into the image.
declare module "Resource" {
  export default class Resource extends ArrayBuffer {
    constructor(path: string);
    static exists(path: string): boolean;
  }
}

// luxflow's per-platform TLS module (manifest.json maps it per board).
declare module "tls-socket" {
  import type { SocketFactory } from "../../src/platform.js";
  export default function tlsSocket(host: string, ca: string): SocketFactory;
}

// luxflow's per-platform deep sleep (src/board/esp-sleep, src/board/esp32-sleep).
declare module "deep-sleep" {
  import type { DeepSleep } from "../../src/platform.js";
  const sleep: DeepSleep;
  export default sleep;
}
