// Moddable `preference` inside XS: the board's flash (host-sim/parts/flash.ts) on the Node side.
// ArrayBuffer values cross as {data: [...]}.
import { call, toArray, toBuffer } from "./host.js";

type Value = boolean | number | string | ArrayBuffer;

const Preference = Object.freeze({
  get(domain: string, key: string): Value | undefined {
    const value = call({ op: "preference.get", domain, key }) as Value | { data: number[] } | null;
    if (value === null) return undefined;
    return typeof value === "object" ? toBuffer((value as { data: number[] }).data) : value;
  },
  set(domain: string, key: string, value: Value): void {
    call({ op: "preference.set", domain, key, value: value instanceof ArrayBuffer ? { data: toArray(value) } : value });
  },
  delete(domain: string, key: string): void {
    call({ op: "preference.delete", domain, key });
  },
  keys(domain: string): string[] {
    return call({ op: "preference.keys", domain }) as string[];
  },
});

export default Preference;
