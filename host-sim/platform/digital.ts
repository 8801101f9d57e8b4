// ECMA-419 `embedded:io/digital` on the simulated board: output on device.pin.led drives the
// board's LED; other pins are accepted and do nothing.
import { currentBoard } from "../registry.js";

export default class Digital {
  static readonly Input = 0;
  static readonly Output = 8;
  readonly #pin: number | string;

  constructor(options: { pin: number | string; mode: number }) {
    this.#pin = options.pin;
  }

  write(value: number): void {
    const board = currentBoard();
    if (this.#pin === board.device.pin.led) board.led.write(value !== 0);
  }

  close(): void {}
}
