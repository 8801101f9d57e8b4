// The firmware's MQTT client alone on XS, measured the way Moddable's own clients were: an
// in-XS fake socket (bench/xs-publish-entry.ts), N operations per turn, the cost of an empty
// N-step loop subtracted, garbage read from the meter's allocation count after a collection,
// and the memory one connected client holds from heap snapshots. Each operation's count
// includes the rig; the rig's part alone is measured in the same run (rig0, rig1, rigConnect)
// so that the client's own share can be shown beside it.
import { Board } from "../host-sim/board.js";
import { VirtualClock } from "../host-sim/clock.js";
import { bundleForXs } from "../host-sim/xs/bundle.js";
import { runOnXs } from "../host-sim/xs/index.js";
import { heapStats } from "../host-sim/xs/measure.js";

export interface PublishNumbers {
  readonly publish0: number;
  readonly payload: number;
  readonly publish1: number;
  readonly connect: number;
  /** The rig's own part of publish0, publish1 and connect (included in them). */
  readonly rig0: number;
  readonly rig1: number;
  readonly rigConnect: number;
  readonly garbageSlotsPerPublish0: number;
  readonly clientSlots: number;
  readonly clientChunkBytes: number;
}

const N = 1000;

export async function measurePublish(config: Record<string, unknown>): Promise<PublishNumbers> {
  const board = new Board({ config, clock: new VirtualClock(0), trace: () => undefined });
  const run = await runOnXs(board, { bundle: await bundleForXs({ entry: "bench/xs-publish-entry.ts" }) });
  try {
    const compute = async (code: string) => (await run.worker.evaluate(code)).meter.compute;
    await compute("__xsBench.hold()");
    const empty = await compute(`__xsBench.empty(${N})`);
    const perOp = async (method: string, n = N) => ((await compute(`__xsBench.${method}(${n})`)) - (empty * n) / N) / n;
    const publish0 = await perOp("publish0");
    const payload = await perOp("payload");
    const publish1 = await perOp("publish1");
    const connect = await perOp("connect", 100);
    const rig0 = await perOp("rig0");
    const rig1 = await perOp("rig1");
    const rigConnect = await perOp("rigConnect", 100);

    const afterGc = (await run.command({ kind: "gc" })).meter.currentHeapCount;
    const baseline = (await run.worker.evaluate(`__xsBench.empty(${N})`)).meter.currentHeapCount;
    const gcAgain = (await run.command({ kind: "gc" })).meter.currentHeapCount;
    const published = (await run.worker.evaluate(`__xsBench.publish0(${N})`)).meter.currentHeapCount;
    const garbageSlotsPerPublish0 = (published - gcAgain - (baseline - afterGc)) / N;

    // Memory per connected client: keep K clients alive, minus K sets of the rig's fakes alone.
    const K = 8;
    const start = await heapStats(run.worker);
    await run.worker.evaluate(`__xsBench.keep(${K}, false)`);
    const clients = await heapStats(run.worker);
    await run.worker.evaluate(`__xsBench.keep(${K}, true)`);
    const fakes = await heapStats(run.worker);
    const fakeSlots = fakes.slots - clients.slots;
    const fakeChunks = fakes.chunkBytes - clients.chunkBytes;
    return {
      publish0,
      payload,
      publish1,
      connect,
      rig0,
      rig1,
      rigConnect,
      garbageSlotsPerPublish0,
      clientSlots: (clients.slots - start.slots - fakeSlots) / K,
      clientChunkBytes: (clients.chunkBytes - start.chunkBytes - fakeChunks) / K,
    };
  } finally {
    await run.stop();
    board.shutdown();
  }
}
