// Deep sleep on the Node engine: 100 wake-sample-publish-sleep cycles of the unmodified
// firmware against a real broker that is down for 20 of them and an access point gone for 4; no reading may be lost.
import { test } from "node:test";
import { runSleepCycles } from "./deep-sleep-cycles.js";
import { checkCycles } from "./deep-sleep-checks.js";

test(
  "node: 100 deep-sleep cycles, broker down for two stretches, Wi-Fi for one: every reading arrives with its seq and boot",
  { timeout: 300_000 },
  async () => {
    const run = await runSleepCycles({
      engine: "node",
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
