// XS built-ins of a Moddable device that standard ECMAScript lacks, declared as the SDK's
// xs/includes/xs.d.ts declares the ones the firmware may use (examples/manifest_base.json adds
// that file to every device build's typings): `trace` takes strings, numbers and booleans only.
interface Trace {
  (...log: (string | number | boolean)[]): void;
}
declare const trace: Trace;

declare class HostBuffer {
  readonly byteLength: number;
  private brand: boolean;
}
interface ArrayBufferTypes {
  HostBuffer: HostBuffer;
}
interface ByteBufferTypes extends ArrayBufferTypes {
  Uint8Array: Uint8Array;
  Uint8ClampedArray: Uint8ClampedArray;
  Int8Array: Int8Array;
  DataView: DataView;
}
type ByteBuffer = ByteBufferTypes[keyof ByteBufferTypes];

interface ObjectConstructor {
  /** XS: a second argument `true` freezes deeply. */
  freeze<T>(obj: T, freeze?: boolean | number): Readonly<T>;
}
interface StringConstructor {
  fromArrayBuffer(buffer: ArrayBufferLike): string;
}
interface ArrayBufferConstructor {
  /** The string's UTF-8 bytes, converted natively by the engine. */
  fromString(string: string): ArrayBuffer;
}

/** A host function by name (XS's `native()`, documentation/xs/XS in C.md § Native): only with a string literal. */
declare function native(name: string): (...args: any[]) => any;
