// The lux filters (lux_average, lux_change) end to end: the unmodified firmware on the
// simulated board (`npm start`, main.ts on Node and on XS), the embedded broker, and the
// readings as the simulator's subscriber prints them (payload_format=json: value, seq and the
// raw counts each value came from). Neither check depends on how fast the board boots.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GAIN_FACTORS, GAIN_FACTORS_CH1, GAIN_NAMES } from "../../drivers/tsl2591/tsl2591-registers.js";
import { luxFromCounts } from "../../drivers/tsl2591/tsl2591-lux.js";
import { runSim } from "../helpers/sim.js";
import { enginesUnderTest } from "../../host-sim/xs/engines.js";

interface JsonReading {
  readonly val: number | null;
  readonly seq: number;
  readonly full: number;
  readonly ir: number;
  readonly gain: (typeof GAIN_NAMES)[number];
  readonly integration_ms: number;
  readonly calibration: number;
}

async function readings(args: string[]): Promise<JsonReading[]> {
  const sim = runSim([...args, "payload_format=json", "sample_interval=0.2", "sim_broker_port=0"]);
  const guard = setTimeout(() => void sim.stop(), 90_000);
  const code = await sim.exited;
  clearTimeout(guard);
  assert.equal(code, 0, `exit ${code} (stopped after 90 s?): ${sim.stdout.join("\n")}\n${sim.stderr.join("\n")}`);
  return sim.stdout.map((line) => JSON.parse(line.slice(line.indexOf(" ") + 1)) as JsonReading);
}

/** The lux of one reading's own raw counts (the driver's formula), unaveraged. */
function sampleLux(r: JsonReading): number {
  const again = GAIN_NAMES.indexOf(r.gain);
  return luxFromCounts(r.full, r.ir, r.integration_ms, GAIN_FACTORS[again]!, GAIN_FACTORS_CH1[again]!, r.calibration);
}

for (const engine of enginesUnderTest()) {
  describe(`lux filters on ${engine}`, () => {
    test("lux_change: only readings that moved by more than the deadband are published, and seq has no gap for the others", async () => {
      // A sunrise from 250 to 1000 lux over 30 s: 2 to 10 lux per 0.2 s sample, so unfiltered
      // consecutive readings differ by far less than 20 lux.
      const got = await readings([
        `engine=${engine}`,
        "lux_change=20",
        "sim_scene=ramp",
        "sim_lux=250",
        "sim_lux_to=1000",
        "sim_period=30",
        "sim_count=4",
      ]);
      assert.equal(got.length, 4, JSON.stringify(got));
      for (let i = 1; i < got.length; i++)
        assert.ok(
          got[i]!.val! - got[i - 1]!.val! > 20,
          `each published reading moved by > 20 lux: ${got.map((r) => r.val).join(", ")}`,
        );
      assert.deepEqual(
        got.map((r) => r.seq),
        [1, 2, 3, 4],
      );
    });

    test("lux_average: each value is the mean of the lux of the last 4 readings' counts", async () => {
      const got = await readings([
        `engine=${engine}`,
        "lux_average=4",
        "sim_lux=250",
        "sim_noise=0.05",
        "sim_seed=7",
        "sim_count=8",
      ]);
      assert.equal(got.length, 8);
      const own = got.map(sampleLux);
      got.forEach((r, k) => {
        const window = own.slice(Math.max(0, k - 3), k + 1);
        const mean = window.reduce((a, b) => a + b, 0) / window.length;
        assert.ok(
          Math.abs(r.val! - mean) < 0.01,
          `reading ${k + 1}: ${r.val} is the mean ${mean} of ${window.join(", ")}`,
        );
      });
      assert.ok(
        got.some((r, k) => Math.abs(r.val! - own[k]!) > 0.5),
        `the noise is averaged away: ${got.map((r) => r.val).join(", ")} against ${own.join(", ")}`,
      );
      assert.deepEqual(
        got.map((r) => r.seq),
        got.map((_, i) => i + 1),
        "every reading published, numbered as taken",
      );
    });
  });
}
