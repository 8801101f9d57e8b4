// Moddable modules of the device API, declared as the SDK's typings declare the members the
// firmware uses: typings/preference.d.ts, typings/sntp.d.ts, typings/instrumentation.d.ts,
// typings/time.d.ts and typings/Resource.d.ts.

declare module "preference" {
  const Preference: {
    set: (domain: string, key: string, value: string | boolean | number | ArrayBuffer) => void;
    get: (domain: string, key: string) => string | boolean | number | ArrayBuffer | undefined;
    delete: (domain: string, key: string) => void;
    keys: (domain: string) => string[];
  };
  export { Preference as default };
}

declare module "sntp" {
  /** callback(1, seconds) = time; (2) = retrying; (-1) = failed. */
  class SNTP {
    constructor(options: { host: string }, callback: (message: -1 | 1 | 2, value?: number) => void);
  }
  export { SNTP as default };
}

declare module "instrumentation" {
  type InstrumentationKeys =
    "XS Slot Heap Used" | "XS Chunk Heap Used" | "XS Stack Used" | "System Free Memory" | "Turns";
  const Instrumentation: {
    get: (what: number | undefined) => number | undefined;
    map: (name: InstrumentationKeys) => number | undefined;
  };
  export { Instrumentation as default };
}

declare module "time" {
  const Time: {
    set: (seconds: number) => void;
    ticks: number;
  };
  export { Time as default };
}

declare module "Resource" {
  interface ResourcePrototype extends HostBuffer {
    slice(begin: number, end?: number): ArrayBuffer;
  }
  export interface ResourceConstructor {
    new (path: string): ResourcePrototype;
    exists(path: string): boolean;
  }
  const Resource: ResourceConstructor;
  export { Resource as default };
}

// luxflow's per-platform TLS module (manifest.json maps it per board: src/board/tls-*.ts).
declare module "tls-socket" {
  import type { SocketFactory } from "../../src/platform.js";
  export default function tlsSocket(host: string, ca: string): SocketFactory;
}
