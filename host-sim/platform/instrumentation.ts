// Moddable `instrumentation` on the simulated board. The simulator runs on V8, not XS: the
// heap figures are the host's JS heap in use, reported under the XS names the firmware asks for.
const NAMES = Object.freeze(["XS Slot Heap Used", "XS Chunk Heap Used"]);

const Instrumentation = Object.freeze({
  map: (name: string): number => NAMES.indexOf(name) + 1,
  get(what: number): number | undefined {
    const used = process.memoryUsage().heapUsed;
    if (what === 1) return Math.round(used / 2);
    if (what === 2) return used - Math.round(used / 2);
    return undefined;
  },
});

export default Instrumentation;
