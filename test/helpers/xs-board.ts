// One simulated board running the firmware on XS against a broker on this machine, at a 0.2 s
// sample interval unless the arguments say otherwise: the set-up the XS firmware tests share.
import { Board } from "../../host-sim/board.js";
import { manifestConfig, parseArgs } from "../../host-sim/options.js";
import type { XsBundle } from "../../host-sim/xs/bundle.js";
import { runOnXs } from "../../host-sim/xs/index.js";

const manifestUrl = new URL("../../../manifest.json", import.meta.url);

export async function xsBoardOn(bundle: XsBundle, port: number, args: readonly string[]) {
  const invocation = parseArgs(["sample_interval=0.2", ...args], manifestConfig(manifestUrl));
  invocation.config.mqtt_host = "127.0.0.1";
  invocation.config.mqtt_port = String(port);
  const lines: string[] = [];
  const board = new Board({ config: invocation.config, sim: invocation.sim, trace: (text) => lines.push(text) });
  const run = await runOnXs(board, { bundle });
  return {
    board,
    run,
    lines,
    async stop() {
      await run.stop();
      board.shutdown();
    },
  };
}
