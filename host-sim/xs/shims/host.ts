// XS side of the bridge: runs inside the xsnap worker, first of all bundled modules.
// It takes xsnap's host functions for itself and removes them from the global object, so
// the firmware sees what a Moddable device has (no TextEncoder, print, setImmediate, gc,
// performance, Base64, harden, global), and installs the device globals `trace` and `device`.
//
// Requests to the board (Node side) go through call(): one JSON request, one JSON reply,
// synchronous, as a native platform function is on the device. Events from the board
// (timer fired, bytes arrived, Wi-Fi message) arrive through handleCommand, one per turn.
//
// Metering: the bytecodes the shims themselves run stand in for native C on the device, so
// they are taken back out of the turn's compute count (see unmetered()); the meter then counts
// the firmware's bytecodes only. Node can switch that off to see the raw count.
import { aliasWarnings, readOnlyCollections, type PreloadRoot } from "./aliases.js";

interface XsnapHost {
  issueCommand(request: ArrayBuffer): ArrayBuffer;
  resetMeter(limit: number, index: number): number;
  currentMeterLimit(): number;
  gc(): void;
  harden<T>(value: T): T;
  TextEncoder: new () => { encode(text: string): Uint8Array };
  TextDecoder: new () => { decode(bytes: ArrayBuffer | Uint8Array): string };
}

const global = globalThis as unknown as Record<string, unknown> & XsnapHost;
const host: XsnapHost = {
  issueCommand: global.issueCommand,
  resetMeter: global.resetMeter,
  currentMeterLimit: global.currentMeterLimit,
  gc: global.gc,
  harden: global.harden,
  TextEncoder: global.TextEncoder,
  TextDecoder: global.TextDecoder,
};
for (const name of [
  "issueCommand",
  "resetMeter",
  "currentMeterLimit",
  "gc",
  "harden",
  "TextEncoder",
  "TextDecoder",
  "Base64",
  "setImmediate",
  "print",
  "performance",
  "global",
]) {
  delete global[name];
}

const encoder = new host.TextEncoder();
const decoder = new host.TextDecoder();

// ArrayBuffer.fromString (Moddable's xs/includes/xs.d.ts): native on a device, missing from
// xsnap's XS (built with mxCESU8, which leaves it out). xsnap's native TextEncoder stands in,
// so the firmware's call costs about what the device's native call does.
Object.defineProperty(ArrayBuffer, "fromString", {
  value: function fromString(text: string): ArrayBuffer {
    return encoder.encode(text).buffer as ArrayBuffer;
  },
  writable: true,
  configurable: true,
});
let excludeShims = true;

function meter(): number {
  const limit = host.currentMeterLimit();
  const index = host.resetMeter(limit, 0);
  host.resetMeter(limit, index);
  return index;
}

/** Runs `work` and takes its bytecodes back out of the turn's count (native on the device). */
export function unmetered<T>(work: () => T): T {
  if (!excludeShims) return work();
  const start = meter();
  try {
    return work();
  } finally {
    host.resetMeter(host.currentMeterLimit(), start);
  }
}

function request(message: object): any {
  const reply = JSON.parse(
    decoder.decode(host.issueCommand(encoder.encode(JSON.stringify(message)).buffer as ArrayBuffer)),
  );
  if (reply !== null && typeof reply === "object" && typeof reply.error === "string") throw new Error(reply.error);
  return reply;
}

/** A synchronous request to the board; throws the board's error message as an Error. */
export function call(message: object): any {
  return unmetered(() => request(message));
}

/** XS's deep freeze (Object.freeze(value, true)), as Moddable uses for config and device. */
export function deepFreeze<T>(value: T): T {
  return (Object.freeze as (value: T, deep: boolean) => T)(value, true);
}

/** Bytes as a JSON-able array. */
export function toArray(data: ArrayBufferLike | ArrayBufferView): number[] {
  const view = ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data as ArrayBuffer);
  return Array.from(view);
}

export function toBuffer(bytes: readonly number[]): ArrayBuffer {
  return Uint8Array.from(bytes).buffer;
}

export interface BoardEvent {
  readonly kind: string;
  readonly id?: number;
  readonly [field: string]: unknown;
}

const listeners = new Map<string, (event: BoardEvent) => void>();

/** Registers the handler for one kind of board event (timer, tcp, wifi). */
export function onEvent(kind: string, listener: (event: BoardEvent) => void): void {
  listeners.set(kind, listener);
}

let preloadDone = false;

/** Moddable preload: freezes what the firmware's modules built, as flash holds it on the board. */
function preload(roots: readonly { name: string; value: unknown }[]): string[] {
  const problems: string[] = [];
  for (const name of Object.getOwnPropertyNames(globalThis)) {
    const value = global[name];
    if (name === "handleCommand" || name === "globalThis") continue;
    if (typeof value === "function" || (typeof value === "object" && value !== null)) {
      try {
        host.harden(value);
      } catch (error) {
        problems.push(`${name}: ${String(error)}`);
      }
    }
  }
  for (const { name, value } of roots) {
    if (typeof value !== "function" && (typeof value !== "object" || value === null)) continue;
    try {
      host.harden(value);
    } catch (error) {
      problems.push(`${name}: ${String(error)}`);
    }
  }
  preloadDone = true;
  return problems;
}

function reply(value: unknown): ArrayBuffer {
  return encoder.encode(JSON.stringify(value ?? null)).buffer as ArrayBuffer;
}

let main: (() => void) | undefined;

/** Called by the bundle's epilogue once every module body has run. */
function modulesLoaded(entry: () => void, roots: readonly PreloadRoot[], freeze: boolean): void {
  main = entry;
  const problems = freeze ? aliasWarnings(roots) : [];
  if (freeze) {
    readOnlyCollections(roots);
    problems.push(...preload(roots));
  }
  if (problems.length > 0) request({ op: "preload", problems });
}

function dispatch(event: BoardEvent): unknown {
  switch (event.kind) {
    case "main":
      if (main === undefined) throw new Error("firmware not loaded");
      main();
      return null;
    case "meter":
      excludeShims = event.exclude === true;
      return null;
    case "gc":
      host.gc();
      return null;
    case "preloaded":
      return preloadDone;
    default: {
      const listener = listeners.get(event.kind);
      if (listener === undefined) throw new Error(`no listener for board event ${event.kind}`);
      listener(event);
      return null;
    }
  }
}

// The bundle's epilogue calls this once; it is removed from the global object at once.
global.__xsModulesLoaded = (entry: () => void, roots: readonly PreloadRoot[], freeze: boolean): void => {
  delete global.__xsModulesLoaded;
  modulesLoaded(entry, roots, freeze);
};

global.handleCommand = (bytes: ArrayBuffer): ArrayBuffer => {
  let event: BoardEvent | undefined;
  unmetered(() => {
    event = JSON.parse(decoder.decode(bytes)) as BoardEvent;
  });
  const result = dispatch(event as BoardEvent);
  return unmetered(() => reply(result));
};

function traceText(values: readonly unknown[]): string {
  let text = "";
  for (const value of values) text += String(value);
  return text;
}

// The device's clock is the board's clock (real or virtual), as an RTC set by SNTP would be.
Date.now = function now(): number {
  return call({ op: "now" }) as number;
};

// `System` (modules/io/system): restart() powers the board down and boots main again.
global.System = Object.freeze({
  restart(): void {
    call({ op: "system.restart" });
  },
});

// `trace` (xs/includes/xs.d.ts): writes its arguments, converted to strings, no newline added.
global.trace = function trace(...values: unknown[]): void {
  call({ op: "trace", text: traceText(values) });
};
