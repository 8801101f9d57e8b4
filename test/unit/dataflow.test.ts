import assert from "node:assert/strict";
import { test } from "node:test";
import { movingAverage, onChange, Operator, pipe, SensorThing } from "../../src/dataflow.js";
import { Scheduler } from "../../src/scheduler.js";
import { VirtualClock } from "../../host-sim/clock.js";

function collect<T>() {
  const events: T[] = [];
  const ends: string[] = [];
  return {
    events,
    ends,
    onNext: (e: T) => void events.push(e),
    onError: (e: unknown) => void ends.push(`error ${String(e)}`),
    onCompleted: () => void ends.push("completed"),
  };
}

const same = <T>() => new Operator<T, T>((e, emit) => emit(e));
const number = (n: number | null) => n;
const mean = (_: number | null, m: number) => m;

test("pipe connects operators in order; disconnect stops the events to one thing", () => {
  const source = same<number>();
  const odd = new Operator<number, number>((n, emit) => {
    if (n % 2 === 1) emit(n);
  });
  const label = new Operator<number, string>((n, emit) => emit(`#${n}`));
  const out = collect<string>();
  assert.equal(pipe(source, odd, label, out), out);
  for (let i = 1; i <= 5; i++) source.onNext(i);
  assert.deepEqual(out.events, ["#1", "#3", "#5"]);
  const direct = collect<number>();
  const handle = source.connect(direct);
  source.onNext(7);
  handle.disconnect();
  source.onNext(9);
  assert.deepEqual(direct.events, [7]);
  assert.deepEqual(out.events, ["#1", "#3", "#5", "#7", "#9"]);
});

test("onError and onCompleted end the stream, once; nothing flows after", () => {
  const op = same<number>();
  const out = collect<number>();
  op.connect(out);
  op.onNext(1);
  op.onError(new Error("boom"));
  op.onNext(2);
  op.onCompleted();
  assert.deepEqual(out.events, [1]);
  assert.deepEqual(out.ends, ["error Error: boom"]);
  assert.equal(op.completed, true);
});

test("a throwing input thing does not starve its siblings; onFault reports it", () => {
  const op = same<number>();
  const faults: unknown[] = [];
  op.onFault = (e) => faults.push(e);
  const good = collect<number>();
  op.connect({
    onNext: () => {
      throw new Error("sink full");
    },
  });
  op.connect(good);
  op.onNext(1);
  assert.deepEqual(good.events, [1]);
  assert.equal((faults[0] as Error).message, "sink full");
});

test("without onFault, a throwing input thing's error is rethrown after its siblings got the event", () => {
  const op = same<number>();
  const after = collect<number>();
  op.connect({
    onNext: () => {
      throw new Error("sink full");
    },
  });
  op.connect(after);
  assert.equal(op.connections, 2);
  assert.throws(() => op.onNext(1), /^Error: sink full$/);
  assert.deepEqual(after.events, [1], "the sibling connected after the thrower still got the event");
});

test("movingAverage over a window; a null passes as null and starts the mean again; bad windows are RangeErrors", () => {
  const op = movingAverage<number | null>(3, number, mean);
  const out = collect<number | null>();
  op.connect(out);
  for (const v of [3, 6, 9, 12, null, 30, 60]) op.onNext(v);
  assert.deepEqual(out.events, [3, 4.5, 6, 9, null, 30, 45]);
  assert.throws(() => movingAverage(0, number, mean), RangeError);
  assert.throws(() => movingAverage(1.5, number, mean), RangeError);
});

test("movingAverage makes the event it passes with withMean (the other fields stay the event's)", () => {
  const op = movingAverage<{ value: number | null; seq: number }>(
    2,
    (e) => e.value,
    (e, m) => ({ ...e, value: m }),
  );
  const out = collect<{ value: number | null; seq: number }>();
  op.connect(out);
  op.onNext({ value: 100, seq: 1 });
  op.onNext({ value: 200, seq: 2 });
  assert.deepEqual(out.events, [
    { value: 100, seq: 1 },
    { value: 150, seq: 2 },
  ]);
});

test("onChange: deadband, null differs from a number, heartbeat after maxSilence", () => {
  const clock = new VirtualClock(0);
  const op = onChange<number | null>(1, number, clock, 10_000);
  const out = collect<number | null>();
  op.connect(out);
  for (const v of [100, 100.5, 101.2, 101.9, null, null, 50]) {
    op.onNext(v);
    clock.advance(1000);
  }
  assert.deepEqual(out.events, [100, 101.2, null, 50]);
  clock.advance(10_000);
  op.onNext(50.1);
  assert.deepEqual(out.events, [100, 101.2, null, 50, 50.1], "a steady value is repeated after 10 s of silence");
  const quiet = onChange<number | null>(1, number, clock);
  const none = collect<number | null>();
  quiet.connect(none);
  for (let i = 0; i < 5; i++) {
    quiet.onNext(7);
    clock.advance(60_000);
  }
  assert.deepEqual(none.events, [7], "no heartbeat without maxSilenceMs");
  assert.throws(() => onChange(-1, number, clock), RangeError);
});

test("a sensor as an output thing: the scheduler's tick goes to every connected thing, through operators", () => {
  const clock = new VirtualClock(0);
  let lux = 100;
  const sensor = new SensorThing({ sample: () => (lux += 10) });
  const averaged = collect<number | null>();
  const raw = collect<number>();
  sensor.connect(raw);
  pipe(sensor, movingAverage<number | null>(2, number, mean), averaged);
  new Scheduler(clock, clock, { info() {}, warn() {}, error() {} }).schedulePeriodic(sensor, 1000);
  clock.advance(2000);
  assert.deepEqual(raw.events, [110, 120, 130]);
  assert.deepEqual(averaged.events, [110, 115, 125]);
});
