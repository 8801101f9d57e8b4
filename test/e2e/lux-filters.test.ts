// The lux filters (lux_average, lux_change) end to end: the unmodified firmware on the
// simulated board (`npm start`, main.ts on Node and on XS), a light scene that steps, the
// embedded broker, and the readings as the simulator's subscriber prints them.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { runSim } from "../helpers/sim.js";
import { enginesUnderTest } from "../../host-sim/xs/engines.js";

interface JsonReading { readonly val: number | null; readonly seq: number }

async function readings(args: string[]): Promise<JsonReading[]> {
  const sim = runSim([...args, "payload_format=json", "sample_interval=0.2", "sim_broker_port=0", "sim_scene=step", "sim_lux=250", "sim_lux_to=1000"]);
  const code = await sim.exited;
  assert.equal(code, 0, sim.stderr.join("\n"));
  return sim.stdout.map((line) => JSON.parse(line.slice(line.indexOf(" ") + 1)) as JsonReading);
}

for (const engine of enginesUnderTest()) {
  describe(`lux filters on ${engine}`, () => {
    test("lux_change: the readings in between are not published, and seq has no gap for them", async () => {
      // 250 lux for 1.5 s (7 samples), then 1000: without the filter the second reading is ~250.
      const got = await readings([`engine=${engine}`, "lux_change=100", "sim_period=1.5", "sim_count=2"]);
      assert.equal(got.length, 2, JSON.stringify(got));
      assert.ok(Math.abs(got[0]!.val! - 250) < 10, `first reading ~250 lux: ${JSON.stringify(got)}`);
      assert.ok(got[1]!.val! - got[0]!.val! > 100, `the second is the change: ${JSON.stringify(got)}`);
      assert.deepEqual(got.map((r) => r.seq), [1, 2]);
    });

    test("lux_average: each value is the mean of the last 4, so a step arrives as a ramp", async () => {
      // The step at 1 s; 12 readings. Unaveraged, at most one reading (its integration across
      // the step) lies between the two levels; averaged over 4, three or more do, rising.
      const got = await readings([`engine=${engine}`, "lux_average=4", "sim_period=1", "sim_count=12"]);
      const values = got.map((r) => r.val!);
      assert.ok(Math.abs(values[0]! - 250) < 10, `starts at ~250: ${values.join(", ")}`);
      assert.ok(Math.abs(values.at(-1)! - 1000) < 20, `ends at ~1000: ${values.join(", ")}`);
      const between = values.filter((v) => v > 300 && v < 950);
      assert.ok(between.length >= 3, `the step averaged into a ramp: ${values.join(", ")}`);
      for (let i = 1; i < values.length; i++) assert.ok(values[i]! >= values[i - 1]! - 5, `rising: ${values.join(", ")}`);
      assert.deepEqual(got.map((r) => r.seq), got.map((_, i) => i + 1), "every reading published, numbered as taken");
    });
  });
}
