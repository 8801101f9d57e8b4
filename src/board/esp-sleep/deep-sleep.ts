// luxflow's `deep-sleep` module on the ESP8266: wake reason and RTC memory from ./deep-sleep.c
// (Moddable's `native()` form, documentation/xs/XS in C.md § Native), and the sleep itself
// from Moddable's System.deepSleep (modules/io/system), which needs GPIO16 wired to RST.
// Untested on hardware.
import type { DeepSleep } from "../../platform.js";

function woke(this: unknown): boolean {
  return native("xs_luxflow_sleep_woke").call(this);
}
function bytes(this: unknown): number {
  return native("xs_luxflow_sleep_bytes").call(this);
}
function read(this: unknown): ArrayBuffer {
  return native("xs_luxflow_sleep_read").call(this);
}
function write(this: unknown, data: ArrayBuffer): void {
  return native("xs_luxflow_sleep_write").call(this, data);
}

/** system_deep_sleep_set_option(1) (ESP8266 non-OS SDK): RF calibration on every wake. */
const RF_CAL_EACH_WAKE = 1;

// Getters: a preloaded module may not call host functions while it loads.
const sleep: DeepSleep = Object.freeze({
  get woke() {
    return woke();
  },
  get rtcBytes() {
    return bytes();
  },
  read: () => read(),
  write: (data: ArrayBuffer) => write(data),
  sleep: (microseconds: number) => System.deepSleep(microseconds, RF_CAL_EACH_WAKE),
});

export default sleep;
