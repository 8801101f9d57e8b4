import assert from "node:assert/strict";
import { test } from "node:test";
import { batch, filter, map, movingAverage, onChange, Operator, Output, pipe, throttle } from "../../src/dataflow.js";
import { VirtualClock } from "../../host-sim/clock.js";

function collect<T>() {
  const events: T[] = [];
  const ends: string[] = [];
  return { events, ends, onNext: (e: T) => void events.push(e), onError: (e: unknown) => void ends.push(`error ${String(e)}`), onCompleted: () => void ends.push("completed") };
}

test("connect, map, filter: events flow downstream; disconnect stops them", () => {
  const source = new Operator<number, number>((e, emit) => emit(e));
  const out = collect<string>();
  pipe(source, filter<number>((n) => n % 2 === 1), map((n: number) => `#${n}`), out);
  for (let i = 1; i <= 5; i++) source.push(i);
  assert.deepEqual(out.events, ["#1", "#3", "#5"]);
  const direct = collect<number>();
  const handle = source.connect(direct);
  source.push(7);
  handle.disconnect();
  source.push(9);
  assert.deepEqual(direct.events, [7]);
});

test("onError and onCompleted end the stream, once; nothing flows after", () => {
  const op = map((n: number) => n * 2);
  const out = collect<number>();
  op.connect(out);
  op.onNext(1);
  op.onError(new Error("boom"));
  op.onNext(2);
  op.onCompleted();
  assert.deepEqual(out.events, [2]);
  assert.deepEqual(out.ends, ["error Error: boom"]);
  assert.equal(op.completed, true);
});

test("a throwing input thing does not starve its siblings; onFault reports it", () => {
  const op = map((n: number) => n);
  const faults: unknown[] = [];
  op.onFault = (e) => faults.push(e);
  const good = collect<number>();
  op.connect({ onNext: () => { throw new Error("sink full"); } });
  op.connect(good);
  op.onNext(1);
  assert.deepEqual(good.events, [1]);
  assert.equal((faults[0] as Error).message, "sink full");
});

test("without onFault, a throwing input thing's error is rethrown after its siblings got the event", () => {
  const op = map((n: number) => n);
  const after = collect<number>();
  op.connect({ onNext: () => { throw new Error("sink full"); } });
  op.connect(after);
  assert.equal(op.connections, 2);
  assert.throws(() => op.onNext(1), /^Error: sink full$/);
  assert.deepEqual(after.events, [1], "the sibling connected after the thrower still got the event");
});

test("movingAverage over a window; bad windows are RangeErrors", () => {
  const op = movingAverage(3);
  const out = collect<number>();
  op.connect(out);
  for (const v of [3, 6, 9, 12]) op.onNext(v);
  assert.deepEqual(out.events, [3, 4.5, 6, 9]);
  assert.throws(() => movingAverage(0), RangeError);
});

test("onChange: deadband, null differs from a number, heartbeat after maxSilence", () => {
  const clock = new VirtualClock(0);
  const op = onChange<number | null>(1, (v) => v, clock, 10_000);
  const out = collect<number | null>();
  op.connect(out);
  for (const v of [100, 100.5, 101.2, 101.9, null, null, 50]) { op.onNext(v); clock.advance(1000); }
  assert.deepEqual(out.events, [100, 101.2, null, 50]);
  clock.advance(10_000);
  op.onNext(50.1);
  assert.deepEqual(out.events, [100, 101.2, null, 50, 50.1], "a steady value is repeated after 10 s of silence");
});

test("throttle passes the first event per interval on the injected clock", () => {
  const clock = new VirtualClock(0);
  const op = throttle<number>(1000, clock);
  const out = collect<number>();
  op.connect(out);
  for (let i = 0; i < 10; i++) { op.onNext(i); clock.advance(300); }
  assert.deepEqual(out.events, [0, 4, 8]);
});

test("batch groups events and flushes the rest on completion", () => {
  const op = batch<number>(3);
  const out = collect<number[]>();
  op.connect(out);
  for (let i = 1; i <= 7; i++) op.onNext(i);
  op.onCompleted();
  assert.deepEqual(out.events, [[1, 2, 3], [4, 5, 6], [7]]);
  assert.deepEqual(out.ends, ["completed"]);
});

test("Output traces each event as a line", () => {
  const lines: string[] = [];
  const o = new Output<{ lux: number }>((l) => lines.push(l));
  o.onNext({ lux: 1 });
  o.onError(new Error("x"));
  o.onCompleted();
  assert.deepEqual(lines, ['{"lux":1}', "error: x", "completed"]);
});

test("a sensor as an output thing: the scheduler's tick goes to every connected thing, through operators", async () => {
  const { Scheduler } = await import("../../src/scheduler.js");
  const { SensorThing } = await import("../../src/dataflow.js");
  const clock = new VirtualClock(0);
  let lux = 100;
  const sensor = new SensorThing({ sample: () => (lux += 10) });
  const averaged = collect<number>();
  const raw = collect<number>();
  sensor.connect(raw);
  sensor.connect(movingAverage(2)).connect(averaged);
  new Scheduler(clock, clock, { info() {}, warn() {}, error() {} }).schedulePeriodic(sensor, 1000);
  clock.advance(2000);
  assert.deepEqual(raw.events, [110, 120, 130]);
  assert.deepEqual(averaged.events, [110, 115, 125]);
});
