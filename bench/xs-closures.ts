// `npm run bench:xs-closures`: what a per-instance closure costs on XS, the number behind
// docs/xs-memory.md. In one xsnap machine per case, N objects are made and kept, and the live
// heap after a full collection (host-sim/xs/measure.ts) is compared with before: objects that
// carry three arrow-function callbacks each, against instances of one class whose three
// methods are on its prototype (made once, preloaded to flash on the device).
import { heapStats } from "../host-sim/xs/measure.js";
import { XsWorker } from "../host-sim/xs/worker.js";

const N = 100;
const SETUP = `
globalThis.kept = [];
globalThis.Link = class Link {
  constructor(n) { this.n = n; }
  onReadable() { return this.n; }
  onWritable() { return this.n; }
  onError() { return this.n; }
};`;

const CASES: [string, string][] = [
  [
    "three closures per object",
    `for (let i = 0; i < ${N}; i++) { const n = i; kept.push({ onReadable: () => n, onWritable: () => n, onError: () => n }); }`,
  ],
  ["one object, methods on its class", `for (let i = 0; i < ${N}; i++) kept.push(new Link(i));`],
];

async function perObject(source: string): Promise<{ slots: number; chunkBytes: number; slotBytes: number }> {
  const worker = new XsWorker({ name: "closures", onQuery: () => new Uint8Array() });
  try {
    await worker.evaluate(SETUP);
    const before = await heapStats(worker);
    await worker.evaluate(source);
    const after = await heapStats(worker);
    return {
      slots: (after.slots - before.slots) / N,
      chunkBytes: (after.chunkBytes - before.chunkBytes) / N,
      slotBytes: after.slotBytes,
    };
  } finally {
    await worker.close();
  }
}

console.log(
  `XS live heap per object, after a full collection (${N} objects kept; 32-bit board = slots × 16 + chunk bytes, chunk bytes as measured on this 64-bit host, an upper bound)`,
);
for (const [name, source] of CASES) {
  const r = await perObject(source);
  console.log(
    `  ${name}: ${r.slots.toFixed(1)} slots + ${r.chunkBytes.toFixed(0)} chunk B = ${Math.round(r.slots * 16 + r.chunkBytes)} B on a 32-bit board`,
  );
}
