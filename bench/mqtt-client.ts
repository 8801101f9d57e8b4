// Client benchmark: publish throughput to a real mosquitto (started here on a free loopback
// port) at QoS 0 and QoS 1, luxflow's MqttConnection vs the `mqtt` package, same run. Each
// run publishes M messages in batches of 500 (yielding between batches), then a QoS 1
// barrier publish; the time is first publish → barrier acknowledged (the broker handles a
// connection's packets in order, so all M were processed). Prints msgs/s and the ratio.
// Run: npm run build && node build/bench/mqtt-client.js
import { connect as mqttConnect, type MqttClient } from "mqtt";
import { RealClock } from "../host-sim/clock.js";
import { startMosquitto } from "../host-sim/faults/brokers.js";
import { tcpSocketFactory } from "../host-sim/net/sockets.js";
import { MqttConnection } from "../src/mqtt/connection.js";

const PAYLOAD = new Uint8Array(Buffer.from('["lux-1",1795355431,284.1312]'));
const BATCH = 500;
const yieldNow = () => new Promise((r) => setImmediate(r));

async function ours(port: number, qos: 0 | 1, m: number): Promise<number> {
  const clock = new RealClock();
  const log = { info() {}, warn() {}, error() {} };
  const conn = new MqttConnection({
    socket: tcpSocketFactory(),
    resolve: (_h, cb) => cb("127.0.0.1"),
    timers: clock,
    clock,
    log,
    host: "127.0.0.1",
    port,
    clientId: `bench-ours-${qos}`,
    keepalive: 60,
    outbox: 8 * 1024 * 1024,
    maxInflight: 64,
  });
  conn.start();
  while (!conn.connected) await yieldNow();
  const t0 = performance.now();
  for (let i = 0; i < m; i += BATCH) {
    for (let k = 0; k < BATCH; k++) conn.publish("bench", PAYLOAD, { qos });
    await yieldNow();
  }
  conn.publish("bench/barrier", PAYLOAD, { qos: 1 });
  while (conn.stats.queued > 0) await new Promise((r) => setTimeout(r, 1));
  const ms = performance.now() - t0;
  if (conn.stats.dropped > 0)
    throw new Error(`benchmark dropped ${conn.stats.dropped} messages: the outbox is too small`);
  conn.stop();
  clock.clearAll();
  return (m / ms) * 1000;
}

async function theirs(port: number, qos: 0 | 1, m: number): Promise<number> {
  const client: MqttClient = mqttConnect(`mqtt://127.0.0.1:${port}`, {
    clientId: `bench-mqttjs-${qos}`,
    keepalive: 60,
  });
  await new Promise((r) => client.once("connect", r));
  const payload = Buffer.from(PAYLOAD);
  const t0 = performance.now();
  for (let i = 0; i < m; i += BATCH) {
    for (let k = 0; k < BATCH; k++) client.publish("bench", payload, { qos });
    await yieldNow();
  }
  await client.publishAsync("bench/barrier", payload, { qos: 1 });
  const ms = performance.now() - t0;
  await client.endAsync();
  return (m / ms) * 1000;
}

export async function runClientBench(): Promise<{ qos: number; ours: number; theirs: number; ratio: number }[]> {
  const broker = await startMosquitto();
  const rows = [];
  try {
    for (const [qos, m] of [
      [0, 50_000],
      [1, 20_000],
    ] as const) {
      let o = 0;
      let t = 0;
      for (let round = 0; round < 3; round++) {
        // alternate, keep the best of each
        o = Math.max(o, await ours(broker.port, qos, m));
        t = Math.max(t, await theirs(broker.port, qos, m));
      }
      rows.push({ qos, ours: Math.round(o), theirs: Math.round(t), ratio: o / t });
    }
  } finally {
    await broker.close();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log("client: publish throughput to mosquitto (29-byte payload), best of 3 alternating rounds");
  for (const r of await runClientBench()) {
    console.log(
      `  QoS ${r.qos}: luxflow ${r.ours.toLocaleString("en")} msg/s, mqtt ${r.theirs.toLocaleString("en")} msg/s, ratio ${r.ratio.toFixed(2)}x`,
    );
  }
}
