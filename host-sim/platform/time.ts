// Moddable `time` on the simulated board: ticks from the board's clock; set() is accepted
// and ignored (the simulated board's wall clock is the host's).
import { currentBoard } from "../registry.js";

const Time = Object.freeze({
  get ticks(): number {
    return currentBoard().clock.now();
  },
  set(_seconds: number): void {},
});

export default Time;
