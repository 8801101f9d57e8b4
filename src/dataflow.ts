// ThingFlow's dataflow model in TypeScript: an output thing emits events to the input
// things connected to it (onNext, onError, onCompleted); an operator is both. Sensors are
// output things (src/scheduler.ts samples them); sinks are input things (the MQTT writer in
// src/writer.ts). The operators here are the ones the device runs between the light sensor
// and its writer (lux_average, lux_change: src/app.ts); a new one is an Operator. After
// onError or onCompleted a stream carries nothing more, as in ThingFlow. A downstream thing
// that throws is reported through `onFault` and disconnected from nothing else: its siblings
// still get the event.
import type { Clock } from "./platform.js";

export interface InputThing<T> {
  onNext(event: T): void;
  onError?(error: unknown): void;
  onCompleted?(): void;
}

/** The output thing an input thing was last connected to (read by its disconnect()). */
const UPSTREAM: unique symbol = Symbol("upstream");

export class OutputThing<T> {
  #inputs: InputThing<T>[] = [];
  #done = false;
  /** Called when a connected input thing throws; the default rethrows after the others ran. */
  onFault: ((error: unknown) => void) | undefined;

  /** Connects `input` downstream; its added disconnect() disconnects it (one shared function). */
  connect<U extends InputThing<T>>(input: U): U & { disconnect(): void } {
    this.#inputs.push(input);
    return Object.assign(input, { [UPSTREAM]: this as OutputThing<unknown>, disconnect: OutputThing.#disconnect });
  }

  static readonly #disconnect = function (this: InputThing<unknown> & { [UPSTREAM]: OutputThing<unknown> }): void {
    const list = this[UPSTREAM].#inputs;
    const i = list.indexOf(this);
    if (i >= 0) list.splice(i, 1);
  };

  get connections(): number {
    return this.#inputs.length;
  }

  get completed(): boolean {
    return this.#done;
  }

  protected dispatchNext(event: T): void {
    if (this.#done) return;
    this.#each((input) => input.onNext(event));
  }

  protected dispatchError(error: unknown): void {
    if (this.#done) return;
    this.#done = true;
    this.#each((input) => input.onError?.(error));
  }

  protected dispatchCompleted(): void {
    if (this.#done) return;
    this.#done = true;
    this.#each((input) => input.onCompleted?.());
  }

  #each(call: (input: InputThing<T>) => void): void {
    let failure: { error: unknown } | undefined;
    for (const input of [...this.#inputs]) {
      try {
        call(input);
      } catch (error) {
        if (this.onFault !== undefined) this.onFault(error);
        else failure ??= { error };
      }
    }
    if (failure !== undefined) throw failure.error;
  }
}

/**
 * ThingFlow's SensorAsOutputThing: a sensor (anything with sample()) as an output thing. The
 * scheduler calls sample() on its interval; each event goes to the connected things.
 */
export class SensorThing<T> extends OutputThing<T> {
  constructor(private readonly sensor: { sample(): T | undefined }) {
    super();
  }

  /** Samples the sensor and passes the event on; returns nothing for the scheduler to forward. */
  sample(): undefined {
    const event = this.sensor.sample();
    if (event !== undefined) this.dispatchNext(event);
    return undefined;
  }
}

/** An operator: an input thing upstream and an output thing downstream. */
export class Operator<I, O> extends OutputThing<O> implements InputThing<I> {
  constructor(private readonly step: (event: I, emit: (out: O) => void) => void) {
    super();
  }

  onNext(event: I): void {
    this.step(event, (out) => this.dispatchNext(out));
  }

  onError(error: unknown): void {
    this.dispatchError(error);
  }

  onCompleted(): void {
    this.dispatchCompleted();
  }
}

/**
 * A moving average: each event goes on with the mean of the last `window` values (fewer until
 * the window fills). `value` picks the number out of an event, `withMean` makes the event
 * carrying the mean. An event with no value (null, e.g. saturated) goes on as it is and
 * empties the window: a mean across it would be a value nobody measured.
 */
export function movingAverage<T>(
  window: number,
  value: (event: T) => number | null,
  withMean: (event: T, mean: number) => T,
): Operator<T, T> {
  if (!Number.isInteger(window) || window < 1)
    throw new RangeError(`movingAverage: window must be a whole number ≥ 1 (got ${window})`);
  const values: number[] = [];
  let sum = 0;
  return new Operator<T, T>((event, emit) => {
    const v = value(event);
    if (v === null) {
      values.length = 0;
      sum = 0;
      emit(event);
      return;
    }
    values.push(v);
    sum += v;
    if (values.length > window) sum -= values.shift()!;
    emit(withMean(event, sum / values.length));
  });
}

/**
 * Report on change: passes an event when its value differs from the last one passed by more
 * than `deadband` (absolute), or when `maxSilenceMs` has passed since then (a heartbeat, so a
 * steady value still shows the device alive; 0 = none). `value` picks the number out of an
 * event; null (no value, e.g. saturated) differs from any number.
 */
export function onChange<T>(
  deadband: number,
  value: (event: T) => number | null,
  clock: Clock,
  maxSilenceMs = 0,
): Operator<T, T> {
  if (!(deadband >= 0)) throw new RangeError(`onChange: deadband must be ≥ 0 (got ${deadband})`);
  let last: number | null | undefined;
  let lastAt = 0;
  return new Operator<T, T>((event, emit) => {
    const v = value(event);
    const now = clock.now();
    const changed =
      last === undefined ||
      (v === null) !== (last === null) ||
      (v !== null && last !== null && Math.abs(v - last) > deadband);
    const stale = maxSilenceMs > 0 && now - lastAt >= maxSilenceMs;
    if (!changed && !stale) return;
    last = v;
    lastAt = now;
    emit(event);
  });
}

/** Chains things: `pipe(source, a, b, sink)` connects source→a→b→sink and returns the last. */
// `any`: a chain mixes event types; each link is type-checked where it is built.
export function pipe(source: OutputThing<any>, ...things: InputThing<any>[]): InputThing<any> {
  let upstream = source;
  let last: InputThing<unknown> = source as unknown as InputThing<unknown>;
  for (const thing of things) {
    upstream.connect(thing);
    last = thing;
    if (thing instanceof OutputThing) upstream = thing;
  }
  return last;
}
