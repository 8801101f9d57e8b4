// XS built-ins that Moddable's engine has and Node lacks, supplied to the firmware on Node as
// part of the platform surface (types/moddable/xs.d.ts declares them). Installed once per
// process by register.ts, before any firmware module loads.

const encoder = new TextEncoder();

/**
 * `ArrayBuffer.fromString(text)`: the UTF-8 bytes of `text` in a new ArrayBuffer. Exact for
 * well-formed strings without U+0000; the firmware (src/mqtt/utf8.ts) uses the result only
 * for those, and encodes any other string itself.
 */
function fromString(text: string): ArrayBuffer {
  return encoder.encode(String(text)).buffer as ArrayBuffer;
}

if (typeof (ArrayBuffer as { fromString?: unknown }).fromString !== "function") {
  Object.defineProperty(ArrayBuffer, "fromString", { value: fromString, writable: true, configurable: true });
}
