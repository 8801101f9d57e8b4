// The unmodified firmware (src/main.ts) on XS, on the simulated Board, through real brokers
// (aedes embedded, and mosquitto) and real loopback sockets, read back by a real subscriber:
// the same assertions as the Node-engine end-to-end suite makes of a reading.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { connect, type MqttClient } from "mqtt";
import { Board } from "../../host-sim/board.js";
import { startEmbeddedBroker, type EmbeddedBroker } from "../../host-sim/broker.js";
import { bundleForXs, type XsBundle } from "../../host-sim/xs/bundle.js";
import { mosquittoPath, startMosquitto, type TestBroker } from "../../host-sim/faults/brokers.js";
import { xsBoardOn } from "../helpers/xs-board.js";

const READING = /^\["lux-1", \d+, [\d.]+\]$/;

let bundle: XsBundle;
before(async () => {
  bundle = await bundleForXs();
});

function subscribe(
  port: number,
  topic: string,
): Promise<{ client: MqttClient; next(count: number): Promise<string[]> }> {
  const client = connect({ host: "127.0.0.1", port, protocolVersion: 4, reconnectPeriod: 0 });
  const seen: string[] = [];
  const waiters: { count: number; resolve(list: string[]): void }[] = [];
  client.on("message", (_topic, payload) => {
    seen.push(payload.toString());
    for (const w of [...waiters])
      if (seen.length >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(seen.slice(0, w.count));
      }
  });
  return new Promise((resolve, reject) => {
    client.once("error", reject);
    client.once("connect", () =>
      client.subscribe(topic, (error) => {
        if (error) reject(error);
        else
          resolve({
            client,
            next: (count) =>
              new Promise((done, fail) => {
                if (seen.length >= count) return done(seen.slice(0, count));
                const timer = setTimeout(
                  () => fail(new Error(`only ${seen.length} of ${count} readings in 15 s`)),
                  15_000,
                );
                waiters.push({
                  count,
                  resolve: (list) => {
                    clearTimeout(timer);
                    done(list);
                  },
                });
              }),
          });
      }),
    );
  });
}

function boardOn(port: number, args: string[]) {
  return xsBoardOn(bundle, port, args);
}

function near(payload: string, lux: number): void {
  assert.match(payload, READING);
  const [, , value] = JSON.parse(payload) as [string, number, number];
  assert.ok(Math.abs(value - lux) <= lux * 0.02, `${value} is within 2 % of ${lux}`);
}

describe("the firmware on XS against the embedded broker", () => {
  let broker: EmbeddedBroker;
  before(async () => {
    broker = await startEmbeddedBroker(0);
  });
  after(async () => {
    await broker.close();
  });

  test("joins Wi-Fi, connects, and publishes ThingFlow readings of the simulated chip", async () => {
    const sub = await subscribe(broker.port, "sensor-data");
    const device = await boardOn(broker.port, ["sim_lux=1000"]);
    try {
      const readings = await sub.next(3);
      for (const payload of readings) near(payload, 1000);
      const log = device.lines.join("");
      assert.match(log, /wifi: connected to "luxflow-sim"/);
      assert.match(log, /mqtt: connected to 127\.0\.0\.1:\d+ as lux-1/);
      assert.equal(device.run.failure, undefined);
      assert.deepEqual(device.run.preloadProblems, []);
    } finally {
      await device.stop();
      sub.client.end(true);
    }
  });

  test("a bad configuration value is a clear log line on XS too, and the device stays up", async () => {
    const device = await boardOn(broker.port, ["sample_interval=soon"]);
    try {
      await device.run.idle();
      assert.match(device.lines.join(""), /sample_interval/);
      assert.equal(device.run.failure, undefined);
    } finally {
      await device.stop();
    }
  });
});

const mosquittoMissing =
  mosquittoPath() === undefined ? "mosquitto is not installed (apt-get install mosquitto)" : false;

describe("the firmware on XS against mosquitto", { skip: mosquittoMissing }, () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startMosquitto();
  });
  after(async () => {
    await broker?.close();
  });

  test("readings reach a mosquitto subscriber; after mosquitto restarts the board reconnects", async () => {
    const device = await boardOn(broker.port, ["sim_lux=250"]);
    let sub = await subscribe(broker.port, "sensor-data");
    try {
      for (const payload of await sub.next(2)) near(payload, 250);
      sub.client.end(true);
      await broker.kill();
      await broker.restart();
      sub = await subscribe(broker.port, "sensor-data");
      for (const payload of await sub.next(2)) near(payload, 250);
      assert.equal(device.run.failure, undefined);
    } finally {
      await device.stop();
      sub.client.end(true);
    }
  });
});
