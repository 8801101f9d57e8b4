// The TSL2591 INT pin as an ECMA-419 Digital input (Moddable `embedded:io/digital`) for the
// simulated board: read() gives the line level (0 while the open-drain output pulls it low),
// onReadable fires on the configured edge. The board hands this class to the driver as
// `alert: { io, pin }`, as a device provider hands its Digital class. Like the device, the
// callback runs on a later turn (a zero-delay timer), never inside the bus transaction.
import type { Tsl2591Model } from "./tsl2591.js";
import type { Timers } from "../../src/platform.js";

export interface SimDigitalOptions {
  pin: number | string;
  mode: number;
  edge?: number;
  onReadable?(): void;
}

/** Moddable's Digital constants (modules/io/digital). */
export const Digital = Object.freeze({ Input: 0, InputPullUp: 1, Rising: 1, Falling: 2 });

export interface SimDigitalClass {
  new (options: SimDigitalOptions): { read(): number; close(): void };
  readonly InputPullUp: number;
  readonly Falling: number;
  readonly Rising: number;
}

export function intPinDigital(model: Tsl2591Model, timers: Timers): SimDigitalClass {
  return class INTPin {
    static readonly InputPullUp = Digital.InputPullUp;
    static readonly Falling = Digital.Falling;
    static readonly Rising = Digital.Rising;
    #stop: (() => void) | undefined;

    constructor(options: SimDigitalOptions) {
      if (options.mode !== Digital.Input && options.mode !== Digital.InputPullUp) throw new RangeError("invalid mode");
      const edge = options.edge ?? 0;
      const onReadable = options.onReadable;
      if (onReadable !== undefined && edge !== 0) {
        this.#stop = model.watchInterrupt((asserted) => {
          if ((asserted && (edge & Digital.Falling) !== 0) || (!asserted && (edge & Digital.Rising) !== 0))
            timers.set(() => onReadable.call(this), 0);
        });
      }
    }

    read(): number {
      return model.interruptAsserted ? 0 : 1;
    }

    close(): void {
      this.#stop?.();
      this.#stop = undefined;
    }
  };
}
