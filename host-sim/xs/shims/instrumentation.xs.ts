// Moddable `instrumentation` inside XS. xsnap gives a running script no reading of its own
// heap, so the heap figures are unknown (undefined) here; bench:xs measures the XS heap from
// snapshots instead.
const NAMES = Object.freeze(["XS Slot Heap Used", "XS Chunk Heap Used"]);

const Instrumentation = Object.freeze({
  map: (name: string): number => NAMES.indexOf(name) + 1,
  get(_what: number): number | undefined {
    return undefined;
  },
});

export default Instrumentation;
