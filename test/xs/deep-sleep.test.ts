// Deep sleep on XS: each wake is a fresh XS machine (RAM lost) running the bundled firmware;
// 100 cycles against a real broker that is down for 20 of them and an access point gone for 4; no reading may be lost.
import { test } from "node:test";
import { runSleepCycles } from "../e2e/deep-sleep-cycles.js";
import { checkCycles } from "../e2e/deep-sleep-checks.js";

test(
  "xs: 100 deep-sleep cycles, broker down for two stretches, Wi-Fi for one: every reading arrives with its seq and boot",
  { timeout: 300_000 },
  async () => {
    const run = await runSleepCycles({
      engine: "xs",
      cycles: 100,
      outages: [
        [20, 28],
        [60, 72],
      ],
      wifiOutages: [[40, 44]],
    });
    checkCycles(run, 100);
  },
);
