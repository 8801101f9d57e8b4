// luxflow's `deep-sleep` module inside XS: the board's RTC part and deep sleep on the Node
// side (host-sim/parts/rtc.ts; the runner discards this XS machine and boots a fresh one).
import { call, toArray, toBuffer } from "./host.js";

const sleep = Object.freeze({
  get woke(): boolean {
    return call({ op: "sleep.woke" }) as boolean;
  },
  get rtcBytes(): number {
    return call({ op: "rtc.bytes" }) as number;
  },
  read(): ArrayBuffer {
    return toBuffer(call({ op: "rtc.read" }) as number[]);
  },
  write(data: ArrayBuffer): void {
    call({ op: "rtc.write", data: toArray(data) });
  },
  sleep(microseconds: number): void {
    call({ op: "sleep.deep", microseconds });
  },
});

export default sleep;
