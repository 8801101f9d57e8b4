// ECMA-419 `embedded:io/digital` on the simulated board: the Digital class of its `device`
// provider (host-sim/io/digital.ts), whose writes to the LED pin reach the board's LED.
import type { DigitalOptions } from "../io/digital.js";
import { currentBoard } from "../registry.js";

export default class Digital {
  // The values of modules/io/digital (Input 0, InputPullUp 1, Output 8; edges 1 and 2).
  static readonly Input = 0;
  static readonly InputPullUp = 1;
  static readonly Output = 8;
  static readonly Rising = 1;
  static readonly Falling = 2;

  constructor(options: DigitalOptions) {
    return new (currentBoard().device.io.Digital)(options);
  }
}
