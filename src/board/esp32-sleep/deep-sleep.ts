// luxflow's `deep-sleep` module on the ESP32: the host functions of ./deep-sleep.c (Moddable's
// `native()` form, documentation/xs/XS in C.md § Native). Untested on hardware.
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
function deep(this: unknown, microseconds: number): void {
  return native("xs_luxflow_sleep_deep").call(this, microseconds);
}

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
  sleep: (microseconds: number) => deep(microseconds),
});

export default sleep;
