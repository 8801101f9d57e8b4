// A simulated board that runs the firmware with `sleep_mode=deep` for a number of wakes and
// then powers off: the set-up the deep-sleep tests and bench:sleep share. `onSleep` runs after
// each sleep (before the next wake) for a test to act on the board or its broker.
import { Board } from "./board.js";
import { manifestConfig, parseArgs } from "./options.js";

const manifestUrl = new URL("../../manifest.json", import.meta.url);

export interface SleepingBoard {
  readonly board: Board;
  /** Everything the firmware and the board traced, in order. */
  readonly lines: string[];
  /** Resolves once `sleeps` sleeps have happened and the board is off (or stop() was called). */
  readonly finished: Promise<void>;
  stop(): void;
}

export function sleepingBoard(
  args: readonly string[],
  brokerPort: number,
  sleeps: number,
  onSleep?: (count: number) => void,
): SleepingBoard {
  const invocation = parseArgs(["sleep_mode=deep", ...args], manifestConfig(manifestUrl));
  invocation.config.mqtt_host = "127.0.0.1";
  invocation.config.mqtt_port = String(brokerPort);
  const lines: string[] = [];
  const board = new Board({ config: invocation.config, sim: invocation.sim, trace: (text) => lines.push(text) });
  let stop: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    stop = resolve;
  });
  board.onSleep = (count) => {
    onSleep?.(count);
    if (count < sleeps) return;
    board.powerOff();
    stop();
  };
  return { board, lines, finished, stop };
}
