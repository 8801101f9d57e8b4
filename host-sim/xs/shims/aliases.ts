// What the Moddable linker would warn of when it preloads the firmware, as far as JavaScript
// can see it. xsl (xs/tools/xslSlot.c, fxCheckAliases) walks from every module's bindings
// through properties and function closures, and warns `not frozen` of an object that is not
// frozen (it becomes an alias, copied to RAM when written) and `no const` of a binding that can
// be reassigned. This check walks from the firmware's module-level bindings through own
// properties, as xsl does; functions and the prototypes of classes are not reported (xsl keeps
// them in flash without a warning), what hangs off them is. What only a closure can reach
// (e.g. a parameter captured by a parser made at load) is invisible from JavaScript: that part
// of xsl's check stays with the real build (README: "Verified with Moddable SDK 8.2.3").

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

/** xsl-style warning lines (`<module>: <path>: not frozen` / `no const`) for the firmware's bindings. */
export function aliasWarnings(roots: readonly PreloadRoot[]): string[] {
  const warnings: string[] = [];
  const seen = new WeakSet<object>();

  const walk = (value: unknown, path: string, exempt: boolean): void => {
    if ((typeof value !== "object" && typeof value !== "function") || value === null) return;
    if (seen.has(value)) return;
    seen.add(value);
    if (typeof value !== "function" && !exempt && !bufferOrPattern(value) && !Object.isFrozen(value)) warnings.push(`${path}: not frozen`);
    for (const name of Reflect.ownKeys(value)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(value, name);
      if (descriptor === undefined || !("value" in descriptor)) continue;
      const isPrototype = typeof value === "function" && name === "prototype";
      walk(descriptor.value, `${path}${key(name)}`, isPrototype);
    }
  };

  for (const root of roots) {
    const path = `${root.module}: ${root.name}`;
    if (root.writable) warnings.push(`${path}: no const`);
    walk(root.value, path, false);
  }
  return warnings;
}
