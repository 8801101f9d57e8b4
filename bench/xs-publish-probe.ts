// Scratch: evaluates snippets against the bench entry on XS, printing bytecodes per operation.
import { Board } from "../host-sim/board.js";
import { VirtualClock } from "../host-sim/clock.js";
import { bundleForXs } from "../host-sim/xs/bundle.js";
import { runOnXs } from "../host-sim/xs/index.js";
import { manifestConfig, parseArgs } from "../host-sim/options.js";

const manifestUrl = new URL("../../manifest.json", import.meta.url);
const board = new Board({ config: parseArgs([], manifestConfig(manifestUrl)).config, clock: new VirtualClock(0), trace: () => undefined });
const run = await runOnXs(board, { bundle: await bundleForXs({ entry: "bench/xs-publish-entry.ts" }) });
const N = 1000;
const c = async (code: string) => (await run.worker.evaluate(code)).meter.compute;
const empty = await c(`for (let i = 0; i < ${N}; i++) {}`);
for (const [name, setup, body] of JSON.parse(process.argv[2]!) as [string, string, string][]) {
  if (setup) await c(setup);
  const n = await c(`for (let i = 0; i < ${N}; i++) { ${body} }`);
  process.stdout.write(`${name}: ${((n - empty) / N).toFixed(1)}\n`);
}
await run.stop();
board.shutdown();
