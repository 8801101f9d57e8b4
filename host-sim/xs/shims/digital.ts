// ECMA-419 `embedded:io/digital` inside XS: writes reach the board (its LED on device.pin.led).
import { call } from "./host.js";

export default class Digital {
  static readonly Input = 0;
  static readonly Output = 8;
  readonly #pin: number | string;

  constructor(options: { pin: number | string; mode: number }) {
    this.#pin = options.pin;
  }

  write(value: number): void {
    call({ op: "digital.write", pin: this.#pin, value });
  }

  close(): void {}
}
