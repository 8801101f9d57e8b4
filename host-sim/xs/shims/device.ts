// The ECMA-419 `device` global inside XS, shaped as the board's provider gives it
// (Board.device: I2C.default pins, io.SMBus and io.Digital, pin), deep-frozen as modules/io/system does.
import { call, deepFreeze } from "./host.js";
import SMBus from "./smbus.xs.js";
import Digital from "./digital.xs.js";

const shape = call({ op: "device" }) as { i2c?: { data: number; clock: number }; pin?: Record<string, number> };
const provider = {
  I2C: shape.i2c === undefined ? {} : { default: { io: SMBus, data: shape.i2c.data, clock: shape.i2c.clock } },
  io: { SMBus, Digital },
  pin: shape.pin ?? {},
};
(globalThis as Record<string, unknown>).device = deepFreeze(provider);
