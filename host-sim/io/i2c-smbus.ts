// ECMA-419 SMBus (Moddable `embedded:io/smbus`, modules/io/i2c/smbus.js) over the simulated
// I2CBus. Register reads are a write of the register byte then a read (repeated start); a
// target's NACK throws Error("read failed"/"write failed") as the device's I2C does; a missing
// or bad hz throws RangeError("invalid hz") as Moddable's _i2c.js does.
import type { I2CBus } from "./i2c.js";

/** The options modules/io/i2c/_i2c.js reads (the SDK's typing of them is a tuple: src/main.ts). */
export interface SMBusOptions {
  data: number;
  clock: number;
  hz: number;
  address: number;
  port?: number;
  timeout?: number;
  pullup?: boolean;
}

/** The runtime shape of Moddable's SMBus (modules/io/i2c/smbus.js, _i2c.js), not its typing's. */
export interface SimSMBus {
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

function bytesOf(buffer: ArrayBufferLike | ArrayBufferView): Uint8Array {
  if (ArrayBuffer.isView(buffer)) return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength).slice();
  return new Uint8Array(buffer).slice();
}

function checkPin(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw new RangeError(`invalid ${name}`);
  return value;
}

/** The SMBus class of a board whose I2C bus is `bus` (or is made by `bus()` when first opened). */
export function smbusClass(board: I2CBus | (() => I2CBus)): new (options: SMBusOptions) => SimSMBus {
  const bus = board; // a constant, not a parameter, for what a preloaded class keeps (xsl: `no const`)
  return class SMBus implements SimSMBus {
    readonly #address: number;
    readonly #bus: I2CBus;
    #closed = false;

    constructor(options: SMBusOptions) {
      this.#bus = typeof bus === "function" ? bus() : bus;
      checkPin("data", options.data);
      checkPin("clock", options.clock);
      if (typeof options.hz !== "number" || !(options.hz > 0)) throw new RangeError("invalid hz");
      const address = options.address;
      if (typeof address !== "number" || !Number.isInteger(address) || address < 0 || address > 0x7f)
        throw new RangeError("invalid address");
      this.#address = address;
    }

    #write(bytes: Uint8Array): void {
      if (this.#closed) throw new Error("closed");
      if (!this.#bus.write(this.#address, bytes)) throw new Error("write failed");
    }

    #read(count: number): Uint8Array {
      if (this.#closed) throw new Error("closed");
      const bytes = this.#bus.read(this.#address, count);
      if (bytes === undefined || bytes.length !== count) throw new Error("read failed");
      return bytes;
    }

    #readRegister(register: number, count: number): Uint8Array {
      this.#write(Uint8Array.of(register & 0xff));
      return this.#read(count);
    }

    readUint8(register: number): number {
      return this.#readRegister(register, 1)[0]!;
    }

    readUint16(register: number, bigEndian = false): number {
      const b = this.#readRegister(register, 2);
      return bigEndian ? (b[0]! << 8) | b[1]! : b[0]! | (b[1]! << 8);
    }

    readBuffer(register: number, count: number | ArrayBufferLike): ArrayBuffer {
      if (typeof count === "number") return this.#readRegister(register, count).buffer as ArrayBuffer;
      const target = new Uint8Array(count);
      target.set(this.#readRegister(register, target.length));
      return count as ArrayBuffer;
    }

    writeUint8(register: number, value: number): void {
      this.#write(Uint8Array.of(register & 0xff, value & 0xff));
    }

    writeUint16(register: number, value: number, bigEndian = false): void {
      const hi = (value >> 8) & 0xff;
      const lo = value & 0xff;
      this.#write(bigEndian ? Uint8Array.of(register & 0xff, hi, lo) : Uint8Array.of(register & 0xff, lo, hi));
    }

    writeBuffer(register: number, buffer: ArrayBufferLike | ArrayBufferView): void {
      const data = bytesOf(buffer);
      const out = new Uint8Array(data.length + 1);
      out[0] = register & 0xff;
      out.set(data, 1);
      this.#write(out);
    }

    sendByte(command: number): void {
      this.#write(Uint8Array.of(command & 0xff));
    }

    receiveByte(): number {
      return this.#read(1)[0]!;
    }

    read(count: number): ArrayBuffer {
      return this.#read(count).buffer as ArrayBuffer;
    }

    write(buffer: ArrayBufferLike | ArrayBufferView, _stop?: boolean): void {
      this.#write(bytesOf(buffer));
    }

    close(): void {
      this.#closed = true;
    }
  };
}
