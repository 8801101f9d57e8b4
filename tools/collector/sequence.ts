// Per-device bookkeeping of sequence numbers (json and losant readings count from 1 since
// boot, docs/device-api.md). A reading is dropped only when its own (device, boot, seq) was
// already written — QoS 1 is at-least-once, a PUBLISH may come again [MQTT-4.3.2] — so no
// single message decides the fate of later ones. Each device's current run keeps a window of
// the last WINDOW seqs as a bitmap: in order, a gap (readings never seen), a late reading
// that fills a gap, a duplicate. A seq far outside the window (a spoofed or corrupt one, or a
// board back after a long outage) is written and remembered on its own; only when the next
// seq confirms it does the run move there. A new `boot` count, or the count back at 1 (a
// board without flash, or a wiped one), is a restart; earlier boots keep their windows for late redeliveries.
// Pure: the collector turns each verdict into a log line.

export type Verdict =
  | { readonly kind: "first" }
  | { readonly kind: "next" }
  | { readonly kind: "gap"; readonly from: number; readonly to: number }
  | { readonly kind: "late" }
  | { readonly kind: "duplicate" }
  | { readonly kind: "far"; readonly last: number }
  | { readonly kind: "moved"; readonly from: number; readonly to: number }
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
  /** Seqs far from the run, written and held apart. */
  far: number;
}

/** Seqs remembered per run: a gap or a redelivery further back than this is not told from a new reading. */
export const WINDOW = 4096;
const FAR_KEPT = 64;
const BOOTS_KEPT = 4;

class Run {
  /** Highest seq of the run; the window covers (last - WINDOW, last] from `start` on. */
  last: number;
  start: number;
  #bits = new Uint8Array(WINDOW / 8);
  /** Seqs written far from the run, oldest first. */
  readonly far: number[] = [];

  constructor(seq: number, start = seq) {
    this.last = seq;
    this.start = start;
    this.#set(seq);
  }

  inWindow(seq: number): boolean {
    return seq <= this.last && seq > this.last - WINDOW && seq >= this.start;
  }

  has(seq: number): boolean {
    return this.inWindow(seq) ? (this.#bits[(seq % WINDOW) >> 3]! & (1 << (seq & 7))) !== 0 : this.far.includes(seq);
  }

  #set(seq: number): void {
    this.#bits[(seq % WINDOW) >> 3]! |= 1 << (seq & 7);
  }

  #clear(seq: number): void {
    this.#bits[(seq % WINDOW) >> 3]! &= ~(1 << (seq & 7));
  }

  /** Marks `seq` (in the window) as seen. */
  mark(seq: number): void {
    this.#set(seq);
  }

  /** Moves the top of the window to `seq` (> last), forgetting what slides out. */
  advance(seq: number): void {
    if (seq - this.last >= WINDOW) this.#bits.fill(0);
    else for (let s = this.last + 1; s <= seq; s++) this.#clear(s);
    this.last = seq;
    this.#set(seq);
  }

  keepFar(seq: number): void {
    this.far.push(seq);
    if (this.far.length > FAR_KEPT) this.far.shift();
  }
}

interface DeviceTrack {
  boot: number | undefined;
  run: Run | undefined;
  /** Runs of earlier boots, newest last. */
  readonly earlier: { boot: number; run: Run }[];
  readonly counts: DeviceCounts;
}

export class SequenceTracker {
  readonly #devices = new Map<string, DeviceTrack>();

  #track(device: string): DeviceTrack {
    let t = this.#devices.get(device);
    if (t === undefined) {
      t = {
        boot: undefined,
        run: undefined,
        earlier: [],
        counts: { rows: 0, missing: 0, gaps: 0, late: 0, duplicates: 0, restarts: 0, far: 0 },
      };
      this.#devices.set(device, t);
    }
    return t;
  }

  /** Recovered state: `seq` of `boot` was written for `device` before (collector restart); rows in file order. */
  resume(device: string, seq: number, boot?: number): void {
    const t = this.#track(device);
    const saved = { ...t.counts };
    this.observe(device, seq, boot);
    Object.assign(t.counts, saved);
  }

  /** Whether (device, boot, seq) was already seen; changes nothing. */
  seen(device: string, seq: number, boot?: number): boolean {
    const t = this.#devices.get(device);
    if (t?.run === undefined) return false;
    if (boot !== undefined && t.boot !== undefined && boot !== t.boot)
      return t.earlier.find((e) => e.boot === boot)?.run.has(seq) ?? false;
    if (this.#backToOne(t.run, seq)) return false;
    return t.run.has(seq);
  }

  /** The highest seq of the device's current run, if any. */
  last(device: string): number | undefined {
    return this.#devices.get(device)?.run?.last;
  }

  /**
   * Classifies `seq` (of `boot`, if the device counts boots) from `device` and updates the counts. Only "duplicate"
   * must be dropped.
   */
  observe(device: string, seq: number, boot?: number): Verdict {
    const t = this.#track(device);
    const c = t.counts;
    if (boot !== undefined && t.boot !== undefined && boot !== t.boot && t.run !== undefined) {
      const old = t.earlier.find((e) => e.boot === boot);
      if (old !== undefined || boot < t.boot) {
        // A reading of an earlier boot, redelivered late: written once, and remembered.
        if (old?.run.has(seq)) return this.#duplicate(c);
        if (old === undefined) this.#keepEarlier(t, boot, new Run(seq, 1));
        else if (old.run.inWindow(seq)) old.run.mark(seq);
        else old.run.keepFar(seq);
        c.rows++;
        return { kind: "earlier_boot", boot };
      }
      return this.#restart(t, seq, boot);
    }
    if (boot !== undefined) t.boot = boot;
    const run = t.run;
    if (run === undefined) {
      t.run = new Run(seq, boot === undefined || boot === 0 ? seq : 1);
      c.rows++;
      return { kind: "first" };
    }
    // Back to 1 with the same boot count (or none): a board without flash, or a wiped one.
    // (A redelivered seq 1 looks the same, and is written twice: better than a boot lost.)
    if (this.#backToOne(run, seq)) return this.#restart(t, seq, boot);
    if (run.has(seq)) return this.#duplicate(c);
    c.rows++;
    if (seq === run.last + 1) {
      run.advance(seq);
      return { kind: "next" };
    }
    if (seq > run.last && seq - run.last < WINDOW) {
      const from = run.last + 1;
      const to = seq - 1;
      run.advance(seq);
      c.gaps++;
      c.missing += to - from + 1;
      return { kind: "gap", from, to };
    }
    if (run.inWindow(seq)) {
      run.mark(seq);
      c.late++;
      c.missing = Math.max(0, c.missing - 1);
      return { kind: "late" };
    }
    if (run.far.includes(seq - 1)) {
      // Confirmed by its successor: the device really is over there now.
      const from = run.last;
      const moved = new Run(seq, seq - 1);
      for (const f of run.far) if (moved.inWindow(f)) moved.mark(f);
      t.run = moved;
      return { kind: "moved", from, to: seq };
    }
    run.keepFar(seq);
    c.far++;
    return { kind: "far", last: run.last };
  }

  #backToOne(run: Run, seq: number): boolean {
    return seq === 1 && run.last > 1 && (run.has(1) || !run.inWindow(1)) && !run.far.includes(1);
  }

  #duplicate(c: DeviceCounts): Verdict {
    c.duplicates++;
    return { kind: "duplicate" };
  }

  #keepEarlier(t: DeviceTrack, boot: number, run: Run): void {
    t.earlier.push({ boot, run });
    if (t.earlier.length > BOOTS_KEPT) t.earlier.shift();
  }

  #restart(t: DeviceTrack, seq: number, boot: number | undefined): Verdict {
    const c = t.counts;
    const before = t.run!;
    const after = before.last;
    if (t.boot !== undefined && boot !== undefined && boot !== t.boot) this.#keepEarlier(t, t.boot, before);
    t.boot = boot;
    t.run = new Run(seq, 1);
    c.restarts++;
    c.rows++;
    // Readings of the new boot before this one never arrived.
    const missing = seq - 1;
    if (missing > 0) {
      c.gaps++;
      c.missing += Math.min(missing, WINDOW);
    }
    return { kind: "restart", after, boot, missing };
  }

  /** A reading without seq (thingflow format): counted, never judged. */
  count(device: string): void {
    this.#track(device).counts.rows++;
  }

  devices(): [string, Readonly<DeviceCounts>][] {
    return [...this.#devices].map(([id, t]) => [id, t.counts]);
  }
}
