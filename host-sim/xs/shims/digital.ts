// ECMA-419 `embedded:io/digital` inside XS: writes reach the board (its LED on device.pin.led).
import { call } from "./host.js";

export default class Digital {
  // The values of modules/io/digital (Input 0, InputPullUp 1, Output 8; edges 1 and 2).
  static readonly Input = 0;
  static readonly InputPullUp = 1;
  static readonly Output = 8;
  static readonly Rising = 1;
  static readonly Falling = 2;
  readonly #pin: number | string;
  #value: 0 | 1 = 0;

  constructor(options: { pin: number | string; mode: number }) {
    this.#pin = options.pin;
  }

  write(value: number): void {
    this.#value = value ? 1 : 0;
    call({ op: "digital.write", pin: this.#pin, value });
  }

  read(): 0 | 1 {
    return this.#value;
  }

  close(): void {}
}
