import assert from "node:assert/strict";
import { test } from "node:test";
import type { Logger } from "../../src/platform.js";
import { Scheduler, type Sink, type Source } from "../../src/scheduler.js";
import { VirtualClock } from "../../host-sim/clock.js";

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
}

function counter(clock: VirtualClock): Source<number> & { calls: number[] } {
  const calls: number[] = [];
  return { calls, sample: () => (calls.push(clock.now()), calls.length) };
}

test("samples at once, then every interval, into every sink", () => {
  const clock = new VirtualClock(1_000);
  const scheduler = new Scheduler(clock, clock, recordingLog());
  const source = counter(clock);
  const a: number[] = [];
  const b: number[] = [];
  scheduler.schedulePeriodic(source, 5000, { onNext: (v) => a.push(v) }, { onNext: (v) => b.push(v) });
  clock.advance(20_000);
  assert.deepEqual(source.calls, [1_000, 6_000, 11_000, 16_000, 21_000]);
  assert.deepEqual(a, [1, 2, 3, 4, 5]);
  assert.deepEqual(b, a);
});

test("no drift: deadlines come from the start time, not from when a tick ran", () => {
  const timers = new VirtualClock(0);
  let lag = 0;
  const clock = { now: () => timers.now() + lag };
  const scheduler = new Scheduler(timers, clock, recordingLog());
  const seen: number[] = [];
  const task = scheduler.schedulePeriodic({ sample: () => (seen.push(clock.now()), 1) }, 1000, { onNext: () => {} });
  timers.advance(1000);
  lag = 370; // the board's event loop stalls: the next tick runs 370 ms late
  timers.advance(3000);
  assert.deepEqual(seen, [0, 1000, 2370, 3000, 4000], "one late tick, then back on the start-time grid");
  assert.equal(task.skipped, 0);
});

test("a stall longer than an interval skips and counts the missed ticks, then stays on the grid", () => {
  const timers = new VirtualClock(0);
  let lag = 0;
  const clock = { now: () => timers.now() + lag };
  const scheduler = new Scheduler(timers, clock, recordingLog());
  const seen: number[] = [];
  const task = scheduler.schedulePeriodic(
    {
      sample: () => {
        seen.push(clock.now());
        if (seen.length === 2) lag = 2500;
        return 1;
      },
    },
    1000,
    { onNext: () => {} },
  );
  timers.advance(5000);
  assert.equal(task.skipped, 2);
  assert.deepEqual(seen.slice(0, 3), [0, 1000, 4000]);
  assert.ok(
    seen.every((t) => t % 1000 === 0),
    `ticks stay on the 1 s grid: ${seen.join(",")}`,
  );
  task.cancel();
  const count = seen.length;
  timers.advance(5000);
  assert.equal(seen.length, count, "a cancelled schedule never fires again");
});

test("a source that throws is reported and the schedule goes on", () => {
  const clock = new VirtualClock(0);
  const log = recordingLog();
  const scheduler = new Scheduler(clock, clock, log);
  let n = 0;
  const got: number[] = [];
  scheduler.schedulePeriodic(
    {
      sample: () => {
        n++;
        if (n === 2) throw new Error("i2c read failed");
        return n;
      },
    },
    100,
    { onNext: (v) => got.push(v) },
  );
  clock.advance(300);
  assert.deepEqual(got, [1, 3, 4]);
  assert.deepEqual(log.lines, ["error scheduler: sensor failed: i2c read failed"]);
});

test("undefined from a source means no event; a throwing sink does not starve the others", () => {
  const clock = new VirtualClock(0);
  const log = recordingLog();
  const scheduler = new Scheduler(clock, clock, log);
  let n = 0;
  const good: number[] = [];
  const throwing: Sink<number> = {
    onNext: () => {
      throw new Error("full");
    },
  };
  scheduler.schedulePeriodic({ sample: () => (++n % 2 === 0 ? undefined : n) }, 10, throwing, {
    onNext: (v) => good.push(v),
  });
  clock.advance(40);
  assert.deepEqual(good, [1, 3, 5]);
  assert.equal(log.lines.filter((l) => l === "error scheduler: sink failed: full").length, 3);
});

test("stop() cancels every schedule and a non-positive interval is a RangeError", () => {
  const clock = new VirtualClock(0);
  const scheduler = new Scheduler(clock, clock, recordingLog());
  scheduler.schedulePeriodic(counter(clock), 10, { onNext: () => {} });
  scheduler.schedulePeriodic(counter(clock), 15, { onNext: () => {} });
  assert.equal(clock.pending, 2);
  scheduler.stop();
  assert.equal(clock.pending, 0);
  assert.throws(() => scheduler.schedulePeriodic(counter(clock), 0, { onNext: () => {} }), RangeError);
});

test("harmonic intervals are aligned to a running schedule's grid; others start at once", () => {
  const clock = new VirtualClock(0);
  const scheduler = new Scheduler(clock, clock, recordingLog());
  const fast = counter(clock);
  scheduler.schedulePeriodic(fast, 2000, { onNext: () => {} });
  clock.advance(500);
  const slow = counter(clock);
  scheduler.schedulePeriodic(slow, 4000, { onNext: () => {} });
  const odd = counter(clock);
  scheduler.schedulePeriodic(odd, 3000, { onNext: () => {} });
  clock.advance(9500);
  assert.deepEqual(fast.calls, [0, 2000, 4000, 6000, 8000, 10000]);
  assert.deepEqual(slow.calls, [2000, 6000, 10000], "the 4 s schedule ticks with every other 2 s tick");
  assert.deepEqual(odd.calls, [500, 3500, 6500, 9500], "3 s is not harmonic with 2 s: it starts when scheduled");
});

test("setPeriod changes the cadence from now on; failures are counted", () => {
  const clock = new VirtualClock(0);
  const scheduler = new Scheduler(clock, clock, recordingLog());
  let n = 0;
  const calls: number[] = [];
  const task = scheduler.schedulePeriodic(
    {
      sample: () => {
        calls.push(clock.now());
        if (++n === 2) throw new Error("x");
        return n;
      },
    },
    1000,
    { onNext: () => {} },
  );
  clock.advance(1500);
  task.setPeriod(200);
  clock.advance(700);
  assert.deepEqual(calls, [0, 1000, 1700, 1900, 2100]);
  assert.equal(task.failures, 1);
  assert.throws(() => task.setPeriod(0), RangeError);
});
