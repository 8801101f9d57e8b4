// ECMA-419 `embedded:io/smbus` on the simulated board's I2C bus (host-sim/io/i2c-smbus.ts).
import type { SMBusOptions } from "../io/i2c-smbus.js";
import { currentBoard } from "../registry.js";

export default class SMBus {
  constructor(options: SMBusOptions) {
    return new (currentBoard().io.SMBus)(options);
  }
}
