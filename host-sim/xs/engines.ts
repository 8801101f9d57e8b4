// One way to start the firmware on either engine, for the simulator and for suites that run
// the same scenarios on both.
//
//   for (const engine of enginesUnderTest()) { … startFirmware(engine, board) … }
//
// "node" runs src/main.ts in this process through host-sim/platform/ (Board.boot: the
// Moddable module stand-ins read the board the firmware runs on); "xs" runs the same
// firmware on XS in an xsnap-worker child. Either engine takes any number of boards per process.
// LUXFLOW_ENGINES=node or =xs narrows enginesUnderTest(); the default is both.
import type { Board } from "../board.js";
import { runOnXs, type RunOnXsOptions, type XsRun } from "./index.js";

export type Engine = "node" | "xs";
export const ENGINES: readonly Engine[] = Object.freeze(["node", "xs"]);

export function enginesUnderTest(): Engine[] {
  const wanted = process.env.LUXFLOW_ENGINES;
  if (wanted === undefined || wanted === "") return [...ENGINES];
  const list = wanted.split(",").map((e) => e.trim());
  for (const engine of list)
    if (engine !== "node" && engine !== "xs") throw new Error(`LUXFLOW_ENGINES: unknown engine "${engine}" (node, xs)`);
  return list as Engine[];
}

export interface RunningFirmware {
  readonly engine: Engine;
  /** The XS run (engine "xs" only): meters, worker, failure. */
  readonly xs: XsRun | undefined;
  /** The error that stopped the firmware, if any (XS: an exception escaping a callback). */
  readonly failure: Error | undefined;
  /** Every board event so far handled by the firmware (immediate on Node). */
  idle(): Promise<void>;
  /** Stops the firmware's engine; the board itself is shut down by its owner. */
  stop(): Promise<void>;
}

/** Starts src/main.ts on `engine` over `board`. */
export async function startFirmware(
  engine: Engine,
  board: Board,
  options: RunOnXsOptions = {},
): Promise<RunningFirmware> {
  if (engine === "xs") {
    const run = await runOnXs(board, options);
    return {
      engine,
      xs: run,
      get failure() {
        return run.failure;
      },
      idle: () => run.idle(),
      stop: () => run.stop(),
    };
  }
  await board.boot();
  return { engine, xs: undefined, failure: undefined, idle: async () => undefined, stop: async () => undefined };
}
