// ECMA-419 `embedded:io/smbus` inside XS: each call goes to an instance of the board's own
// SMBus class (host-sim), on the board's I2C bus with its chip models. Bytes cross as arrays.
import { call, toArray, toBuffer } from "./host.js";

let nextId = 1;

function bytes(data: ArrayBufferLike | ArrayBufferView): number[] {
  return toArray(data);
}

export default class SMBus {
  readonly #id: number;

  constructor(options: Record<string, unknown>) {
    this.#id = nextId++;
    const plain: Record<string, unknown> = {};
    for (const key of Object.keys(options)) {
      const value = options[key];
      if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") plain[key] = value;
    }
    call({ op: "smbus.new", id: this.#id, options: plain });
  }

  #call(method: string, args: unknown[]): any {
    return call({ op: "smbus.call", id: this.#id, method, args });
  }

  readUint8(register: number): number {
    return this.#call("readUint8", [register]);
  }

  readUint16(register: number, bigEndian?: boolean): number {
    return this.#call("readUint16", [register, bigEndian ?? false]);
  }

  readBuffer(register: number, count: number | ArrayBufferLike): ArrayBuffer {
    const n = typeof count === "number" ? count : count.byteLength;
    const result = toBuffer(this.#call("readBuffer", [register, { bytes: n }]) as number[]);
    if (typeof count !== "number") new Uint8Array(count as ArrayBuffer).set(new Uint8Array(result));
    return result;
  }

  writeUint8(register: number, value: number): void {
    this.#call("writeUint8", [register, value]);
  }

  writeUint16(register: number, value: number, bigEndian?: boolean): void {
    this.#call("writeUint16", [register, value, bigEndian ?? false]);
  }

  writeBuffer(register: number, buffer: ArrayBufferLike | ArrayBufferView): void {
    this.#call("writeBuffer", [register, { data: bytes(buffer) }]);
  }

  sendByte(command: number): void {
    this.#call("sendByte", [command]);
  }

  receiveByte(): number {
    return this.#call("receiveByte", []);
  }

  read(count: number): ArrayBuffer {
    return toBuffer(this.#call("read", [count]) as number[]);
  }

  write(buffer: ArrayBufferLike | ArrayBufferView, stop?: boolean): void {
    this.#call("write", stop === undefined ? [{ data: bytes(buffer) }] : [{ data: bytes(buffer) }, stop]);
  }

  close(): void {
    this.#call("close", []);
  }
}
