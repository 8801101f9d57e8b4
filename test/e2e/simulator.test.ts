// End to end: the unmodified firmware on the simulated board, through real brokers and
// real sockets, read back by real subscribers (the simulator's own watcher, mosquitto_sub,
// and the `mqtt` client library).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { connect } from "mqtt";
import { freePort, mosquittoPath, startMosquitto, type TestBroker } from "../../host-sim/faults/brokers.js";
import { parseReadingLine, runSim, which } from "../helpers/sim.js";
import { enginesUnderTest } from "../../host-sim/xs/engines.js";
import { until } from "../helpers/wait.js";

const ENGINES = enginesUnderTest();

const MOSQUITTO_SUB = which("mosquitto_sub");
const mosquittoMissing =
  mosquittoPath() === undefined || MOSQUITTO_SUB === undefined
    ? "mosquitto and mosquitto-clients are not installed (apt-get install mosquitto mosquitto-clients)"
    : false;
if (mosquittoMissing && process.env.CI === "true") throw new Error(`CI=true: ${mosquittoMissing}`);

function assertNear(actual: number | null, expected: number, tolerance: number, what: string): void {
  assert.ok(actual !== null, `${what}: value is null`);
  assert.ok(
    Math.abs(actual - expected) <= expected * tolerance,
    `${what}: ${actual} is not within ${tolerance * 100} % of ${expected}`,
  );
}

for (const engine of ENGINES) {
  describe(`simulated board on ${engine}`, () => {
    test("npm start with no broker given: readings through the embedded broker, ThingFlow format", async () => {
      const sim = runSim([`engine=${engine}`, "sample_interval=0.2", "sim_count=3", "sim_broker_port=0"]);
      const code = await sim.exited;
      assert.equal(code, 0, sim.stderr.join("\n"));
      assert.equal(sim.stdout.length, 3, sim.stdout.join("\n"));
      const now = Date.now() / 1000;
      for (const line of sim.stdout) {
        assert.match(line, /^sensor-data \["lux-1", \d+, [\d.]+\]$/);
        const reading = parseReadingLine(line);
        assert.ok(Math.abs(reading.ts - now) < 30, `timestamp ${reading.ts} is the board's clock (now ${now})`);
        assertNear(reading.value, 250, 0.02, "default sim_lux=250");
      }
      assert.ok(
        sim.stderr.some((l) => /luxflow info: mqtt: connected to 127\.0\.0\.1:\d+ as lux-1/.test(l)),
        sim.stderr.join("\n"),
      );
      assert.ok(
        sim.stderr.some((l) => l.includes('wifi: connected to "luxflow-sim"')),
        "the board joined the simulated Wi-Fi",
      );
    });

    test("an unknown key or a bad value is a clear error that names it", async () => {
      const unknown = runSim([`engine=${engine}`, "mqtt_hots=1.2.3.4"]);
      assert.equal(await unknown.exited, 2);
      assert.match(unknown.stderr.join("\n"), /unknown key "mqtt_hots"/);
      const bad = runSim([`engine=${engine}`, "mqtt_port=eighty", "sim_broker_port=0"]);
      assert.equal(await bad.exited, 2);
      assert.match(bad.stderr.join("\n"), /config: mqtt_port must be a whole number from 1 to 65535 \(got "eighty"\)/);
    });

    describe("against mosquitto", { skip: mosquittoMissing }, () => {
      let broker: TestBroker;
      before(async () => {
        broker = await startMosquitto();
      });
      after(async () => {
        await broker?.close();
      });

      test("mosquitto_sub and the mqtt library see lux within 2 % from 10 to 10,000", async () => {
        const levels = [10, 100, 1000, 10_000];
        const sub = spawn(MOSQUITTO_SUB!, ["-h", "127.0.0.1", "-p", String(broker.port), "-t", "sensor-data", "-v"]);
        let subOut = "";
        sub.stdout.setEncoding("utf8").on("data", (t: string) => (subOut += t));
        const library = connect({ host: "127.0.0.1", port: broker.port, protocolVersion: 4 });
        const libraryLines: string[] = [];
        library.on("message", (topic, payload) => libraryLines.push(`${topic} ${payload.toString()}`));
        await new Promise<void>((resolve) =>
          library.on("connect", () => library.subscribe("sensor-data", () => resolve())),
        );
        // The boards publish every 0.25 s until both subscribers have a reading from each: a
        // mosquitto_sub that subscribes late only misses the first few.
        const sims = levels.map((lux) =>
          runSim([
            `engine=${engine}`,
            "mqtt_host=127.0.0.1",
            `mqtt_port=${broker.port}`,
            "mqtt_topic=sensor-data",
            `sensor_id=lux-${lux}`,
            "sample_interval=0.25",
            `sim_lux=${lux}`,
          ]),
        );
        const subLines = () => subOut.split("\n").filter((line) => line !== "");
        const everyBoardIn = (lines: string[]) =>
          levels.every((lux) => lines.some((line) => parseReadingLine(line).id === `lux-${lux}`));
        try {
          // On time-out the checks below name the board that is missing.
          await until(
            () => everyBoardIn(subLines()) && everyBoardIn(libraryLines),
            "a reading from every board at both subscribers",
            { timeoutMs: 20_000, everyMs: 50 },
          ).catch(() => undefined);
        } finally {
          for (const sim of sims) await sim.stop();
          sub.kill();
          library.end(true);
        }
        for (const lines of [subLines(), libraryLines]) {
          for (const lux of levels) {
            const readings = lines.map(parseReadingLine).filter((r) => r.id === `lux-${lux}`);
            assert.ok(readings.length >= 1, `a reading from lux-${lux} in ${lines.join(" | ")}`);
            for (const reading of readings) {
              assert.equal(reading.topic, "sensor-data");
              assertNear(reading.value, lux, 0.02, `sim_lux=${lux}`);
            }
          }
        }
      });

      test("a broker that is not there yet: the board says so, keeps retrying, then publishes", async () => {
        const port = await freePort();
        const sim = runSim([`engine=${engine}`, "mqtt_host=127.0.0.1", `mqtt_port=${port}`, "sample_interval=0.2"]);
        try {
          await sim.waitFor("stderr", /luxflow warn: mqtt: .*(refused|ECONNREFUSED)/i);
          const refusals = () =>
            sim.stderr.filter((line) => /luxflow warn: mqtt: .*(refused|ECONNREFUSED).*retrying in/i.test(line)).length;
          await until(() => refusals() >= 3, "the board to keep retrying (3 refused attempts)", {
            timeoutMs: 10_000,
            detail: () => sim.stderr.join("\n"),
          });
          assert.equal(sim.child.exitCode, null, "the board is still running");
          const late = await startMosquitto(port);
          try {
            const line = await sim.waitFor("stdout", /^sensor-data \["lux-1"/, 30_000);
            assertNear(parseReadingLine(line).value, 250, 0.02, "reading after the broker appeared");
            await sim.waitFor("stderr", /luxflow info: mqtt: connected to 127\.0\.0\.1/);
          } finally {
            await sim.stop();
            await late.close();
          }
        } finally {
          await sim.stop();
        }
      });
    });
  });
}
