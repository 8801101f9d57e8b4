// XS built-ins of a Moddable device that standard ECMAScript lacks (Moddable's
// xs/includes/xs.d.ts). Only what the firmware uses.

interface ArrayBufferConstructor {
  /** The string's UTF-8 bytes, converted natively by the engine. */
  fromString(text: string): ArrayBuffer;
}

/** A host function by name (XS's `native()`, documentation/xs/XS in C.md § Native): only with a string literal. */
declare function native(name: string): (...args: any[]) => any;
