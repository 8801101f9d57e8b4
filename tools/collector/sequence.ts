// Per-device bookkeeping of sequence numbers (json readings count from 1 since boot,
// docs/device-api.md): in order, a gap (readings the collector never saw), a late reading
// that fills an earlier gap (QoS 1 redelivery can reorder after a reconnect), a duplicate
// (QoS 1 is at-least-once: a redelivered PUBLISH [MQTT-4.3.2]) and a device restart (the
// count drops back to 1). Pure: the collector turns each verdict into a log line.

export type Verdict =
  | { readonly kind: "first" }
  | { readonly kind: "next" }
  | { readonly kind: "gap"; readonly from: number; readonly to: number }
  | { readonly kind: "late" }
  | { readonly kind: "duplicate" }
  | { readonly kind: "restart"; readonly after: number };

export interface DeviceCounts {
  rows: number;
  /** Readings missing and not (yet) filled by a late arrival. */
  missing: number;
  gaps: number;
  late: number;
  duplicates: number;
  restarts: number;
}

interface DeviceTrack {
  last: number;
  /** Seqs reported missing since the last restart (bounded; the oldest are forgotten). */
  readonly holes: Set<number>;
  readonly counts: DeviceCounts;
}

/** Missing seqs remembered per device, so a late arrival is told from a duplicate. */
const MAX_HOLES = 10_000;

export class SequenceTracker {
  readonly #devices = new Map<string, DeviceTrack>();

  #track(device: string): DeviceTrack {
    let t = this.#devices.get(device);
    if (t === undefined) {
      t = { last: 0, holes: new Set(), counts: { rows: 0, missing: 0, gaps: 0, late: 0, duplicates: 0, restarts: 0 } };
      this.#devices.set(device, t);
    }
    return t;
  }

  /** Recovered state: `seq` was the last one written for `device` (collector restart). */
  resume(device: string, seq: number): void {
    const t = this.#track(device);
    t.last = seq;
  }

  /** The last seq accepted for a device, if any. */
  last(device: string): number | undefined {
    const t = this.#devices.get(device);
    return t === undefined || t.last === 0 ? undefined : t.last;
  }

  /** Classifies `seq` from `device` and updates the counts. Only "duplicate" must be dropped. */
  observe(device: string, seq: number): Verdict {
    const t = this.#track(device);
    const c = t.counts;
    if (t.last === 0) {
      t.last = seq;
      c.rows++;
      return { kind: "first" };
    }
    if (seq === t.last + 1) {
      t.last = seq;
      c.rows++;
      return { kind: "next" };
    }
    if (seq > t.last + 1) {
      const from = t.last + 1;
      const to = seq - 1;
      for (let s = Math.max(from, to - MAX_HOLES + 1); s <= to; s++) t.holes.add(s);
      while (t.holes.size > MAX_HOLES) t.holes.delete(t.holes.values().next().value!);
      t.last = seq;
      c.gaps++;
      c.missing += to - from + 1;
      c.rows++;
      return { kind: "gap", from, to };
    }
    if (t.holes.delete(seq)) {
      c.late++;
      c.missing--;
      c.rows++;
      return { kind: "late" };
    }
    if (seq === 1) {
      const after = t.last;
      t.last = 1;
      t.holes.clear();
      c.restarts++;
      c.rows++;
      return { kind: "restart", after };
    }
    c.duplicates++;
    return { kind: "duplicate" };
  }

  /** A reading without seq (thingflow format): counted, never judged. */
  count(device: string): void {
    this.#track(device).counts.rows++;
  }

  devices(): [string, Readonly<DeviceCounts>][] {
    return [...this.#devices].map(([id, t]) => [id, t.counts]);
  }
}
