// The ECMA-419 host provider (`device`) on Moddable's desktop simulator, mcconfig -p lin.
// The SDK's lin IO manifest (modules/io/manifests/lin) gives sockets and serial but no I2C and
// sets no `device`; on a board the SDK's system module (modules/io/system/system.js) sets it
// from the board's provider (build/devices/*/targets/*/host/provider.js). This module does the
// same on lin: an I2C bus on which the register-level TSL2591 model (host-sim/chips) answers at
// 0x29, its light from the `sim_*` keys of mc/config (the keys the host simulator's command
// line takes), and an LED on pin 2 whose changes are traced as `sim: led on|off`.
// Preloaded: it defines classes and the frozen provider at build time; the bus and the chip
// model are made when the driver first opens the bus, so they live in RAM, as a chip's state does.
import config from "mc/config";
import Timer from "timer";
import Time from "time";
import { I2CBus } from "../io/i2c.js";
import { smbusClass } from "../io/i2c-smbus.js";
import { digitalClass } from "../io/digital.js";
import { sensorSimFromKeys } from "../scene.js";
import type { TimerHandle, Timers } from "../../src/platform.js";

const timers: Timers = Object.freeze({
  set: (callback: () => void, milliseconds: number) => Timer.set(callback, milliseconds),
  repeat: (callback: () => void, milliseconds: number) => Timer.repeat(callback, milliseconds),
  clear: (handle: TimerHandle | undefined) => Timer.clear(handle as Timer | undefined),
});

const clock = Object.freeze({ now: () => Time.ticks });

function simKeys(): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const name of Object.keys(config)) if (name.startsWith("sim_")) keys[name] = String(config[name]);
  return keys;
}

// xsl reports this binding as `no const`: it is the one piece of the provider that changes
// after boot (the simulated bus with its chip, made on first use and kept in RAM).
let bus: I2CBus | undefined;

function boardBus(): I2CBus {
  if (bus === undefined) {
    const made = new I2CBus();
    sensorSimFromKeys(simKeys(), clock, timers).attach(made);
    bus = made;
  }
  return bus;
}

const led = Object.freeze({
  write(on: boolean): void {
    trace(`sim: led ${on ? "on" : "off"}\n`);
  },
});

const SMBus = smbusClass(boardBus);
const Digital = digitalClass(2, led);

globalThis.device = Object.freeze(
  {
    I2C: { default: { io: SMBus, data: 21, clock: 22 } },
    io: { SMBus, Digital },
    pin: { led: 2 },
  },
  true,
) as unknown as typeof globalThis.device;
