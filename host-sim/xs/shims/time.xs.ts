// Moddable `time` inside XS: ticks from the board's clock; set() is accepted and ignored,
// as on the simulated board (host-sim/platform/time.ts).
import { call } from "./host.js";

const Time = Object.freeze({
  get ticks(): number {
    return call({ op: "now" }) as number;
  },
  set(_seconds: number): void {},
});

export default Time;
