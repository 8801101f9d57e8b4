// The Moddable modules the simulator stands in for, written once: a module specifier the
// firmware imports → the stem of its stand-in. On Node the loader (host-sim/loader/hooks.ts)
// resolves it to host-sim/platform/<stem>.js; on XS the bundler (host-sim/xs/bundle.ts) to the
// shim host-sim/xs/shims/<stem>.xs.ts. Every entry has both files (test/unit/stand-ins.test.ts).
export const MODULE_STAND_INS: Readonly<Record<string, string>> = Object.freeze({
  "timer": "timer",
  "mc/config": "mc-config",
  "wifi": "wifi",
  "net": "net",
  "embedded:io/smbus": "smbus",
  "embedded:io/digital": "digital",
  "embedded:io/socket/tcp": "tcp",
  "tls-socket": "tls-socket",
  "preference": "preference",
  "sntp": "sntp",
  "instrumentation": "instrumentation",
  "time": "time",
  "deep-sleep": "deep-sleep",
});

/** The Node stand-in of `specifier`, relative to host-sim/platform/. */
export function nodeStandIn(specifier: string): string | undefined {
  const stem = MODULE_STAND_INS[specifier];
  return stem === undefined ? undefined : `${stem}.js`;
}

/** The XS shim of `specifier`, relative to host-sim/xs/shims/. */
export function xsStandIn(specifier: string): string | undefined {
  const stem = MODULE_STAND_INS[specifier];
  return stem === undefined ? undefined : `${stem}.xs.ts`;
}
