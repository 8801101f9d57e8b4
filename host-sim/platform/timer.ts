// Moddable `timer` on the simulated board's clock (documentation/base/base.md § Timer):
// set(callback, ms, repeat) fires after ms, then every `repeat` ms if given; callbacks
// receive the timer; schedule() re-arms a timer; clear() accepts undefined/null;
// delay() blocks, as it does on the device.
import type { TimerHandle } from "../../src/platform.js";
import type { BoardClock } from "../clock.js";
import type { Board } from "../board.js";
import { currentBoard, onBoard } from "../registry.js";

type Callback = (id: TimerHandle) => void;

interface SimTimer {
  inner: TimerHandle | undefined;
  readonly callback: Callback;
  /** The board that set it: its clock, and its callback runs on that board. */
  readonly board: Board;
  readonly clock: BoardClock;
}

function start(timer: SimTimer, delay: number, repeat: number | undefined): void {
  timer.inner = timer.clock.set(() => {
    if (repeat !== undefined && repeat > 0) start(timer, repeat, repeat);
    else timer.inner = undefined;
    onBoard(timer.board, () => timer.callback(timer));
  }, delay);
}

const Timer = Object.freeze({
  set(callback: Callback, milliseconds = 0, repeat?: number): TimerHandle {
    const board = currentBoard();
    const timer: SimTimer = { inner: undefined, callback, board, clock: board.clock };
    start(timer, milliseconds, repeat);
    return timer;
  },
  repeat(callback: Callback, milliseconds: number): TimerHandle {
    return Timer.set(callback, milliseconds, milliseconds);
  },
  schedule(id: TimerHandle, milliseconds = 0, repeat?: number): void {
    const timer = id as SimTimer;
    timer.clock.clear(timer.inner);
    start(timer, milliseconds, repeat);
  },
  clear(id: TimerHandle | undefined | null): void {
    if (id === undefined || id === null) return;
    const timer = id as SimTimer;
    timer.clock.clear(timer.inner);
    timer.inner = undefined;
  },
  delay(milliseconds: number): void {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
  },
});

export default Timer;
