// Moddable `net` inside XS: Net.get answered by the board; Net.resolve completes as a board event.
import { call, onEvent } from "./host.js";

type ResolveCallback = (name: string, address: string | undefined) => void;

const pending = new Map<number, ResolveCallback>();
let nextId = 1;

onEvent("resolve", (event) => {
  const callback = pending.get(event.id as number);
  pending.delete(event.id as number);
  callback?.(event.host as string, (event.address ?? undefined) as string | undefined);
});

const Net = Object.freeze({
  get(property: string, iface?: string): string | number | undefined {
    return (call({ op: "net.get", property, iface }) ?? undefined) as string | number | undefined;
  },
  resolve(host: string, callback: ResolveCallback): void {
    const id = nextId++;
    pending.set(id, callback);
    call({ op: "net.resolve", id, host });
  },
});

export default Net;
