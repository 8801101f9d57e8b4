// Memory: rounds of 10,000 publishes (QoS 0 and QoS 1 with PUBACK) and 100 broker-side resets
// and reconnects must not grow what the client holds. Measured on XS, the device's engine,
// from heap snapshots taken after a full collection: exact counts of live slots and chunk
// bytes, the same on every run, so the bound can be tight. After a warm-up round, three more
// rounds (30,000 publishes, 300 reconnects) may add at most 8 slots and 256 chunk bytes in all,
// less what three empty turns and snapshots add by themselves (the harness: 1 slot and 24 chunk
// bytes each, measured in the same run): a leak of one slot per 3,750 publishes or per 38
// reconnects, or of a byte per 118 publishes, fails. Not a timing check.
import { ok, strictEqual } from "node:assert/strict";
import { describe, it } from "node:test";
import { Board } from "../../host-sim/board.js";
import { VirtualClock } from "../../host-sim/clock.js";
import { manifestConfig, parseArgs } from "../../host-sim/options.js";
import { bundleForXs } from "../../host-sim/xs/bundle.js";
import { runOnXs } from "../../host-sim/xs/index.js";
import { heapStats } from "../../host-sim/xs/measure.js";

const MAX_SLOTS = 8;
const MAX_CHUNK_BYTES = 256;

describe("MqttConnection memory on XS", () => {
  it("holds no more after 30,000 publishes and 300 reconnects than after the first 10,000 and 100", async (t) => {
    const lines: string[] = [];
    const config = parseArgs([], manifestConfig(new URL("../../../manifest.json", import.meta.url))).config;
    const board = new Board({
      config,
      clock: new VirtualClock(0),
      trace: (text) => lines.push(...text.split("\n").filter((l) => l !== "")),
    });
    const run = await runOnXs(board, { bundle: await bundleForXs({ entry: "test/unit/mqtt-memory-xs-entry.ts" }) });
    try {
      await run.worker.evaluate("__memory.start(); __memory.cycle(10000, 100)"); // warm-up: the outbox's ring, caches
      const before = await heapStats(run.worker);
      const rounds = [before];
      for (let round = 0; round < 3; round++) {
        await run.worker.evaluate("__memory.cycle(10000, 100)");
        rounds.push(await heapStats(run.worker));
      }
      // The same number of turns and snapshots doing nothing: what the harness itself adds.
      const idle = [await heapStats(run.worker)];
      for (let round = 0; round < 3; round++) {
        await run.worker.evaluate("0");
        idle.push(await heapStats(run.worker));
      }
      await run.worker.evaluate("__memory.report()");
      await run.idle();
      const last = rounds.at(-1)!;
      const harness = {
        slots: idle.at(-1)!.slots - idle[0]!.slots,
        chunkBytes: idle.at(-1)!.chunkBytes - idle[0]!.chunkBytes,
      };
      const grew = {
        slots: last.slots - before.slots - harness.slots,
        chunkBytes: last.chunkBytes - before.chunkBytes - harness.chunkBytes,
      };
      t.diagnostic(
        `live heap after each round: ${rounds.map((s) => `${s.slots} slots + ${s.chunkBytes} chunk bytes`).join(", ")}; three empty turns add ${harness.slots} slots + ${harness.chunkBytes} chunk bytes; the client's growth: ${grew.slots} slots + ${grew.chunkBytes} chunk bytes`,
      );
      strictEqual(
        lines.at(-1),
        "reconnects 399 queued 0 state connecting timers 1 inbound 0",
        "every round connected 100 times and delivered everything",
      );
      ok(
        harness.slots <= 3 && harness.chunkBytes <= 3 * 24,
        `the harness alone added ${harness.slots} slots + ${harness.chunkBytes} chunk bytes in three empty turns`,
      );
      ok(grew.slots <= MAX_SLOTS, `live slots grew by ${grew.slots} over 30,000 publishes and 300 reconnects`);
      ok(
        grew.chunkBytes <= MAX_CHUNK_BYTES,
        `live chunk bytes grew by ${grew.chunkBytes} over 30,000 publishes and 300 reconnects`,
      );
    } finally {
      await run.stop();
      board.shutdown();
    }
  });
});
