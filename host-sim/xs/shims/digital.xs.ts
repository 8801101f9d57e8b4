// ECMA-419 `embedded:io/digital` inside XS: the simulated board's Digital class
// (host-sim/io/digital.ts), whose writes to the LED pin reach the board.
import { call } from "./host.js";
import { digitalClass } from "../../io/digital.js";

const led = (call({ op: "device" }) as { pin?: Record<string, number> }).pin?.led ?? -1;

export default digitalClass(led, {
  write(on: boolean): void {
    call({ op: "digital.write", pin: led, value: on ? 1 : 0 });
  },
});
