// ECMA-419 Digital (Moddable `embedded:io/digital`, modules/io/digital) on a simulated board:
// an output on the board's LED pin drives its LED; other pins are accepted and do nothing.
// Pure: the Node simulator and Moddable's desktop simulator (-p lin) use the same class.

export interface DigitalOptions {
  pin: number | string;
  mode: number;
}

export interface SimDigitalClass {
  new (options: DigitalOptions): { write(value: number): void; read(): 0 | 1; close(): void };
  readonly Input: number;
  readonly InputPullUp: number;
  readonly Output: number;
  readonly Rising: number;
  readonly Falling: number;
}

/** The Digital class of a board whose LED is on `ledPin`. */
export function digitalClass(pin: number, lamp: { write(on: boolean): void }): SimDigitalClass {
  const ledPin = pin; // constants, not parameters, for what a preloaded class keeps (xsl: `no const`)
  const led = lamp;
  return class Digital {
    // The values of modules/io/digital (Input 0, InputPullUp 1, Output 8; edges 1 and 2).
    static readonly Input = 0;
    static readonly InputPullUp = 1;
    static readonly Output = 8;
    static readonly Rising = 1;
    static readonly Falling = 2;
    readonly #pin: number | string;
    #value: 0 | 1 = 0;

    constructor(options: DigitalOptions) {
      this.#pin = options.pin;
    }

    write(value: number): void {
      this.#value = value ? 1 : 0;
      if (this.#pin === ledPin) led.write(value !== 0);
    }

    read(): 0 | 1 {
      return this.#value;
    }

    close(): void {}
  };
}
