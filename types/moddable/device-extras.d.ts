// Moddable modules for the device API: `preference` (documentation/files/files.md),
// `sntp` (modules/network/sntp), `instrumentation` (modules/base/instrumentation),
// `time` (documentation/base/base.md § Time), ECMA-419 `embedded:io/digital`, and the
// `System` global of the io manifest (modules/io/system). Only the members used.

declare module "preference" {
  type Value = boolean | number | string | ArrayBuffer;
  const Preference: {
    get(domain: string, key: string): Value | undefined;
    set(domain: string, key: string, value: Value): void;
    delete(domain: string, key: string): void;
    keys(domain: string): string[];
  };
  export default Preference;
}

declare module "sntp" {
  /** callback(1, seconds) = time; (2) = retrying; (-1, message) = failed: return a host to try another. */
  export default class SNTP {
    constructor(options: { host: string }, callback: (message: number, value?: unknown) => string | void);
    close(): void;
  }
}

declare module "instrumentation" {
  const Instrumentation: {
    get(what: number): number | undefined;
    map(name: string): number;
  };
  export default Instrumentation;
}

declare module "time" {
  const Time: {
    /** Milliseconds from an arbitrary start; never set, so it never jumps. */
    readonly ticks: number;
    set(seconds: number): void;
  };
  export default Time;
}

declare module "embedded:io/digital" {
  export default class Digital {
    static readonly Output: number;
    constructor(options: { pin: number | string; mode: number });
    write(value: number): void;
    close(): void;
  }
}

/**
 * deepSleep(us, mode): ESP8266 only (a no-op on ESP32, modules/io/system/system.c), mode as the
 * SDK's system_deep_sleep_set_option; GPIO16 must be wired to RST. Typed as typings/embedded_io/system.d.ts.
 */
declare const System: { restart(): void; deepSleep(us: number, mode: number): void };
