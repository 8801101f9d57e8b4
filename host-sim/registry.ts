// Which simulated board the firmware is running on, for the Moddable module stand-ins in
// host-sim/platform/ and the `device`, `System` and `trace` globals they supply, as the
// Moddable runtime does on a real board. Several boards may run src/main.ts in one process
// (the fleet, tests): each boot runs inside its board's context (Board.boot), and every
// callback a board makes into the firmware re-enters it (onBoard), so a stand-in called from
// the firmware always reads the board it runs on. Promise continuations keep the context too
// (AsyncLocalStorage).
import { AsyncLocalStorage } from "node:async_hooks";
import type { Board } from "./board.js";

const context = new AsyncLocalStorage<Board>();

/** Runs `body` with `board` as the board the firmware is on. */
export function onBoard<T>(board: Board, body: () => T): T {
  return context.run(board, body);
}

/** The board the firmware is running on; throws outside any board's context. */
export function currentBoard(): Board {
  const board = context.getStore();
  if (board === undefined) throw new Error("host-sim: firmware ran outside a board (call it through board.run or Board.boot)");
  return board;
}

/** `callback`, bound to the current board: it runs on that board whenever it is called. */
export function onThisBoard<A extends unknown[], R>(callback: (...args: A) => R): (...args: A) => R {
  const board = currentBoard();
  return (...args) => context.run(board, () => callback(...args));
}

const globals = globalThis as Record<string, unknown>;
for (const [name, value] of Object.entries({
  device: () => context.getStore()?.device,
  System: () => context.getStore()?.system,
})) Object.defineProperty(globals, name, { get: value, configurable: true });
globals.trace = (...values: unknown[]) => currentBoard().trace(values.map(String).join(""));
