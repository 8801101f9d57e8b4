// ECMA-419 IO classes and the host provider, declared as the Moddable SDK's own typings
// declare the members the firmware uses (typings/embedded_io/{i2c,smbus,digital}.d.ts,
// typings/embedded_io/socket/{tcp,tls}.d.ts, typings/embedded_provider/builtin.d.ts,
// typings/embedded_io/system.d.ts, typings/global.d.ts). Where those typings are wrong about
// the runtime, the firmware corrects them in one place (src/board/sdk-typings.ts), not here:
// these declarations stand in for the SDK's so that `npm run check` fails where mcconfig would.

declare module "embedded:io/_common" {
  export type PinSpecifier = number;
  export type PortSpecifier = number;
}

declare module "embedded:io/i2c" {
  import type { PinSpecifier, PortSpecifier } from "embedded:io/_common";
  class I2C {
    constructor(options: {
      data: PinSpecifier;
      clock: PinSpecifier;
      hz: number;
      address: number;
      port?: PortSpecifier;
      format?: "buffer";
      target?: any;
    });
    write(value: ByteBuffer, stop?: boolean): void;
    read(byteLength: number, stop?: boolean): ArrayBuffer;
    read(buffer: ByteBuffer, stop?: boolean): number;
  }
  export default I2C;
}

declare module "embedded:io/smbus" {
  import I2C from "embedded:io/i2c";
  class SMBus extends I2C {
    // As the SDK declares it: a tuple type intersected with an object (see src/board/sdk-typings.ts).
    constructor(options: ConstructorParameters<typeof I2C> & { stop?: boolean });
    readUint8(register: number): number;
    writeUint8(register: number, value: number): void;
    readUint16(register: number, bigEndian?: boolean): number;
    writeUint16(register: number, value: number, bigEndian?: boolean): void;
    readBuffer(register: number, byteLength: number): ArrayBuffer;
    readBuffer(register: number, buffer: ByteBuffer): void;
    writeBuffer(register: number, buffer: ByteBuffer): void;
    receiveByte(): number;
    sendByte(command: number): void;
  }
  export default SMBus;
}

declare module "embedded:io/digital" {
  import type { PinSpecifier } from "embedded:io/_common";
  class Digital {
    static readonly Input: number;
    static readonly InputPullUp: number;
    static readonly Output: number;
    static readonly Rising: number;
    static readonly Falling: number;
    constructor(
      options: { pin: PinSpecifier; mode: number; format?: "number"; target?: any } & (
        { onReadable: (this: Digital) => void; edge: number } | { edge?: number }
      ),
    );
    write(value: 0 | 1): void;
    read(): 0 | 1;
    close(): void;
  }
  export default Digital;
}

declare module "embedded:io/socket/tcp" {
  export type Options = ((({ address: string } | { host: string }) & { port: number }) | { from: TCP }) & {
    nodelay?: boolean;
    onReadable?: (this: TCP, bytes: number) => void;
    onWritable?: (this: TCP, bytes: number) => void;
    onError?: (this: TCP) => void;
    format?: "number" | "buffer";
    target?: any;
  };
  export default class TCP {
    constructor(options: Options);
    read(byteLength?: number): number | ArrayBuffer;
    read(buffer: ByteBuffer): void;
    write(value: number | ByteBuffer): void;
    close(): void;
  }
}

declare module "embedded:io/socket/tcp/tls" {
  import type { Options as TCPOptions } from "embedded:io/socket/tcp";
  export type Options = TCPOptions & { host: string; secure: Record<string, any> };
  export default class TLSSocket {
    constructor(options: Options);
    close(): undefined;
    read(count: number | ArrayBufferLike): undefined | ArrayBufferLike;
    write(buffer: ArrayBufferLike): number;
  }
}

declare module "embedded:io/system" {
  class System {
    static deepSleep(us: number, mode: number): void;
    static restart(): void;
  }
  export default System;
}

declare module "embedded:provider/builtin" {
  import Digital from "embedded:io/digital";
  import I2C from "embedded:io/i2c";
  import SMBus from "embedded:io/smbus";
  import type { PinSpecifier } from "embedded:io/_common";
  const device: {
    io: { Digital: typeof Digital; I2C: typeof I2C; SMBus: typeof SMBus };
    I2C: { default: ConstructorParameters<typeof I2C>[0] };
    pin: { [name: string]: PinSpecifier };
  };
  export default device;
}

declare module "global" {
  import System_ from "embedded:io/system";
  import Device from "embedded:provider/builtin";
  export {};
  global {
    var System: typeof System_;
    var device: typeof Device;
  }
}

// luxflow's per-platform deep sleep (src/board/esp-sleep, src/board/esp32-sleep; none on lin).
declare module "deep-sleep" {
  import type { DeepSleep } from "../../src/platform.js";
  const sleep: DeepSleep | undefined;
  export default sleep;
}
