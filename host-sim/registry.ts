// The one board a process runs through src/main.ts. The Moddable module shims in
// host-sim/platform/ read it when the firmware imports them, and it supplies the `device`
// and `trace` globals, as the Moddable runtime does on a real board.
import type { Board } from "./board.js";

let current: Board | undefined;

export function installBoard(board: Board): void {
  if (current !== undefined) throw new Error("host-sim: a board is already installed in this process");
  current = board;
  const globals = globalThis as Record<string, unknown>;
  globals.device = board.device;
  globals.System = board.system;
  globals.trace = (...values: unknown[]) => board.trace(values.map(String).join(""));
}

export function currentBoard(): Board {
  if (current === undefined) throw new Error("host-sim: the firmware was loaded before a board was installed");
  return current;
}
