// luxflow's `deep-sleep` module on the simulated board (src/board/esp*-sleep on the devices):
// the board's RTC part and its deep sleep, which discards the firmware and boots main again.
import type { DeepSleep } from "../../src/platform.js";
import { currentBoard } from "../registry.js";
import { RTC_BYTES } from "../parts/rtc.js";

const sleep: DeepSleep = Object.freeze({
  get woke() {
    return currentBoard().rtc.woke;
  },
  rtcBytes: RTC_BYTES,
  read: () => currentBoard().rtc.read(),
  write: (data: ArrayBuffer) => currentBoard().rtc.write(data),
  sleep: (microseconds: number) => currentBoard().deepSleep(microseconds),
});

export default sleep;
