// ECMA-419 `embedded:io/smbus` on the simulated board's I2C bus.
import { currentBoard } from "../registry.js";

export default currentBoard().io.SMBus;
