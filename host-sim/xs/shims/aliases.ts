// What the Moddable linker does to, and warns of in, what the firmware's modules built when it
// preloads them, as far as JavaScript can see it. xsl (xs/tools/xslSlot.c, fxCheckAliases)
// walks from every module's bindings through properties and function closures, and warns
// `not frozen` of an object that is not frozen (it becomes an alias, copied to RAM when
// written) and `no const` of a binding that can be reassigned. A Map or Set built at preload
// lives in flash: on the device its set/add/delete/clear throw "read-only Map instance" (seen
// on -p lin with SDK 8.2.3). This walks from the firmware's module-level bindings through own
// properties, as xsl does; functions and the prototypes of classes are not reported (xsl keeps
// them in flash without a warning), what hangs off them is. What only a closure can reach (e.g.
// a parameter captured by a parser made at load) is invisible from JavaScript: that part of
// xsl's check stays with the real build (README: "Verified with Moddable SDK 8.2.3").

export interface PreloadRoot {
  readonly module: string;
  readonly name: string;
  readonly writable: boolean;
  readonly value: unknown;
}

function key(name: string | symbol): string {
  return typeof name === "symbol" ? `[${String(name)}]` : /^\d+$/.test(name) ? `[${name}]` : `.${name}`;
}

// Regular expressions, ArrayBuffers and their views cannot be frozen in JavaScript (a view's
// elements stay writable); xsl printed no warning for the firmware's (mqtt/options IPV4,
// commands NAME, the driver's NP_ALWAYS bytes) in the SDK 8.2.3 builds.
function bufferOrPattern(value: object): boolean {
  return value instanceof RegExp || value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

/** Calls `visit` once for each object reachable from the bindings, with its path and whether xsl would exempt it. */
function walk(roots: readonly PreloadRoot[], visit: (value: object, path: string, exempt: boolean) => void): void {
  const seen = new WeakSet<object>();
  const step = (value: unknown, path: string, exempt: boolean): void => {
    if ((typeof value !== "object" && typeof value !== "function") || value === null) return;
    if (seen.has(value)) return;
    seen.add(value);
    visit(value, path, exempt || typeof value === "function" || bufferOrPattern(value));
    for (const name of Reflect.ownKeys(value)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(value, name);
      if (descriptor === undefined || !("value" in descriptor)) continue;
      step(descriptor.value, `${path}${key(name)}`, typeof value === "function" && name === "prototype");
    }
  };
  for (const root of roots) step(root.value, `${root.module}: ${root.name}`, false);
}

/** xsl-style warning lines (`<module>: <path>: not frozen` / `no const`) for the firmware's bindings. */
export function aliasWarnings(roots: readonly PreloadRoot[]): string[] {
  const warnings: string[] = roots
    .filter((root) => root.writable)
    .map((root) => `${root.module}: ${root.name}: no const`);
  walk(roots, (value, path, exempt) => {
    if (!exempt && !Object.isFrozen(value)) warnings.push(`${path}: not frozen`);
  });
  return warnings;
}

const MUTATORS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  Map: ["set", "delete", "clear"],
  Set: ["add", "delete", "clear"],
  WeakMap: ["set", "delete"],
  WeakSet: ["add", "delete"],
});

function collectionKind(value: object): string | undefined {
  if (value instanceof Map) return "Map";
  if (value instanceof Set) return "Set";
  if (value instanceof WeakMap) return "WeakMap";
  if (value instanceof WeakSet) return "WeakSet";
  return undefined;
}

/** Makes every Map and Set reachable from the bindings read-only, as flash makes them on the device. */
export function readOnlyCollections(roots: readonly PreloadRoot[]): void {
  walk(roots, (value) => {
    const kind = collectionKind(value);
    if (kind === undefined) return;
    for (const method of MUTATORS[kind] ?? []) {
      Object.defineProperty(value, method, {
        value() {
          throw new TypeError(`read-only ${kind} instance (in ${method})`);
        },
      });
    }
  });
}
