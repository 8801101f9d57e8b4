// Which simulated board the firmware is running on, for the Moddable module stand-ins in
// host-sim/platform/ and the `device`, `System` and `trace` globals they supply, as the
// Moddable runtime does on a real board. Several boards may run src/main.ts in one process
// (the fleet, tests): each boot runs on its board (Board.boot), and every callback a board
// makes into the firmware enters that board again (the stand-ins bind them with onThisBoard),
// so a stand-in called from the firmware always reads the board it runs on. The firmware is
// synchronous, callback-driven code (no promises in src/ or drivers/), so "the current
// board" is simply the board of the callback on the stack.
import type { Board } from "./board.js";

let current: Board | undefined;

/** Runs `body` with `board` as the board the firmware is on. */
export function onBoard<T>(board: Board, body: () => T): T {
  const outer = current;
  current = board;
  try {
    return body();
  } finally {
    current = outer;
  }
}

/** The board the firmware is running on; throws outside any board. */
export function currentBoard(): Board {
  if (current === undefined) {
    throw new Error("host-sim: firmware ran outside a board (call it through board.run or Board.boot)");
  }
  return current;
}

/** `callback`, bound to the current board: it runs on that board whenever it is called, with the `this` it is given. */
export function onThisBoard<This, A extends unknown[], R>(
  callback: (this: This, ...args: A) => R,
): (this: This, ...args: A) => R {
  const board = currentBoard();
  return function (this: This, ...args: A): R {
    return onBoard(board, () => callback.apply(this, args));
  };
}

const globals = globalThis as Record<string, unknown>;
for (const [name, value] of Object.entries({
  device: () => current?.device,
  System: () => current?.system,
}))
  Object.defineProperty(globals, name, { get: value, configurable: true });
globals.trace = (...values: unknown[]) => currentBoard().trace(values.map(String).join(""));
