// Memory of an XS machine, read from the heap snapshot xsnap writes (xsSnapshot.c,
// fxWriteSnapshot): it collects garbage first, then writes atoms `<size:u32be><tag:4>`;
// VERS holds sizeof(txSlot) in its 4th byte, BLOC the live chunk bytes (strings, byte
// buffers, bytecode, tables), HEAP the live slots (one txSlot each, minus the free list).
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { XsWorker } from "./worker.js";

export interface HeapStats {
  /** Live slots after a full collection. */
  readonly slots: number;
  /** Live chunk bytes after a full collection. */
  readonly chunkBytes: number;
  /** sizeof(txSlot) on this host (32 on 64-bit; 16 on the 32-bit ESP32/ESP8266). */
  readonly slotBytes: number;
}

/** Parses the atoms of an xsnap heap snapshot. */
export function parseSnapshot(bytes: Uint8Array): HeapStats {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number) => String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
  if (tag(0) !== "XS_M") throw new Error("not an XS snapshot");
  let offset = 8;
  let slotBytes = 0;
  let chunkBytes = -1;
  let heapBytes = -1;
  while (offset + 8 <= bytes.byteLength) {
    const size = view.getUint32(offset);
    const name = tag(offset);
    if (name === "VERS") slotBytes = Math.abs(view.getInt8(offset + 11));
    else if (name === "BLOC") chunkBytes = size - 8;
    else if (name === "HEAP") heapBytes = size - 8;
    offset += size;
  }
  if (slotBytes === 0 || chunkBytes < 0 || heapBytes < 0) throw new Error("snapshot lacks VERS/BLOC/HEAP");
  return { slots: heapBytes / slotBytes, chunkBytes, slotBytes };
}

let serial = 0;

/** Collects garbage and measures the live heap of a worker (between turns). */
export async function heapStats(worker: XsWorker): Promise<HeapStats> {
  const path = join(tmpdir(), `luxflow-xs-${process.pid}-${serial++}.xss`);
  try {
    await worker.snapshot(path);
    return parseSnapshot(readFileSync(path));
  } finally {
    rmSync(path, { force: true });
  }
}
