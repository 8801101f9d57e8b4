// Per-device bookkeeping of sequence numbers (json readings count from 1 since boot,
// docs/device-api.md): in order, a gap (readings the collector never saw), a late reading
// that fills an earlier gap (QoS 1 redelivery can reorder after a reconnect), a duplicate
// (QoS 1 is at-least-once: a redelivered PUBLISH [MQTT-4.3.2]) and a device restart (a new
// `boot` count, or, from a board without one, the count dropping back to 1). Pure: the
// collector turns each verdict into a log line.

export type Verdict =
  | { readonly kind: "first" }
  | { readonly kind: "next" }
  | { readonly kind: "gap"; readonly from: number; readonly to: number }
  | { readonly kind: "late" }
  | { readonly kind: "duplicate" }
  | { readonly kind: "restart"; readonly after: number; readonly boot: number | undefined; readonly missing: number }
  | { readonly kind: "earlier_boot"; readonly boot: number };

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
  boot: number | undefined;
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
      t = { last: 0, boot: undefined, holes: new Set(), counts: { rows: 0, missing: 0, gaps: 0, late: 0, duplicates: 0, restarts: 0 } };
      this.#devices.set(device, t);
    }
    return t;
  }

  /** Recovered state: `seq` was the last one written for `device` (collector restart). */
  resume(device: string, seq: number, boot?: number): void {
    const t = this.#track(device);
    t.last = seq;
    t.boot = boot;
  }

  /** The last seq accepted for a device, if any. */
  last(device: string): number | undefined {
    const t = this.#devices.get(device);
    return t === undefined || t.last === 0 ? undefined : t.last;
  }

  /** Classifies `seq` (of `boot`, if the device counts boots) from `device` and updates the counts. Only "duplicate" must be dropped. */
  observe(device: string, seq: number, boot?: number): Verdict {
    const t = this.#track(device);
    const c = t.counts;
    if (boot !== undefined && t.boot !== undefined && boot !== t.boot && t.last !== 0) {
      if (boot < t.boot) {
        // A reading of an earlier boot, redelivered late: written, but no longer checkable.
        c.rows++;
        return { kind: "earlier_boot", boot };
      }
      return this.#restart(t, seq, boot);
    }
    if (boot !== undefined) t.boot = boot;
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
      this.#holes(t, from, to);
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
    // Same boot count (or none) yet back to 1: a board without flash (boot 0) or a wiped one.
    if (seq === 1) return this.#restart(t, seq, boot);
    c.duplicates++;
    return { kind: "duplicate" };
  }

  #restart(t: DeviceTrack, seq: number, boot: number | undefined): Verdict {
    const c = t.counts;
    const after = t.last;
    t.holes.clear();
    t.boot = boot;
    t.last = seq;
    c.restarts++;
    c.rows++;
    // Readings of the new boot before this one never arrived.
    const missing = seq - 1;
    if (missing > 0) {
      this.#holes(t, 1, seq - 1);
      c.gaps++;
      c.missing += missing;
    }
    return { kind: "restart", after, boot, missing };
  }

  #holes(t: DeviceTrack, from: number, to: number): void {
    for (let s = Math.max(from, to - MAX_HOLES + 1); s <= to; s++) t.holes.add(s);
    while (t.holes.size > MAX_HOLES) t.holes.delete(t.holes.values().next().value!);
  }

  /** A reading without seq (thingflow format): counted, never judged. */
  count(device: string): void {
    this.#track(device).counts.rows++;
  }

  devices(): [string, Readonly<DeviceCounts>][] {
    return [...this.#devices].map(([id, t]) => [id, t.counts]);
  }
}
