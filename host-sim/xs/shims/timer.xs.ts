// Moddable `timer` inside XS: the timer objects live here, their deadlines on the board's
// clock (Node side), which fires them as "timer" events. Same semantics as
// host-sim/platform/timer.ts: set(callback, ms, repeat), repeat(), schedule(), clear(null ok),
// delay() blocks; the callback receives the timer.
import { call, onEvent } from "./host.js";

type Callback = (id: object) => void;

class XsTimer {
  constructor(
    readonly id: number,
    readonly callback: Callback,
    public repeat: number | undefined,
  ) {}
}

const live = new Map<number, XsTimer>();
let nextId = 1;

function arm(timer: XsTimer, milliseconds: number): void {
  live.set(timer.id, timer);
  call({ op: "timer.set", id: timer.id, ms: Math.max(0, Number(milliseconds) || 0) });
}

onEvent("timer", (event) => {
  const timer = live.get(event.id as number);
  if (timer === undefined) return;
  if (timer.repeat !== undefined && timer.repeat > 0) arm(timer, timer.repeat);
  else live.delete(timer.id);
  timer.callback(timer);
});

const Timer = Object.freeze({
  set(callback: Callback, milliseconds = 0, repeat?: number): object {
    const timer = new XsTimer(nextId++, callback, repeat);
    arm(timer, milliseconds);
    return timer;
  },
  repeat(callback: Callback, milliseconds: number): object {
    return Timer.set(callback, milliseconds, milliseconds);
  },
  schedule(id: object, milliseconds = 0, repeat?: number): void {
    const timer = id as XsTimer;
    timer.repeat = repeat;
    arm(timer, milliseconds);
  },
  clear(id: object | undefined | null): void {
    if (id === undefined || id === null) return;
    const timer = id as XsTimer;
    if (live.delete(timer.id)) call({ op: "timer.clear", id: timer.id });
  },
  delay(milliseconds: number): void {
    call({ op: "timer.delay", ms: milliseconds });
  },
});

export default Timer;
