// MqttConnection over real loopback TCP against real brokers: aedes in-process and mosquitto
// started on a free port (under CI=true a missing mosquitto fails instead of skipping), read
// back with the `mqtt` package; and TLS through host-sim/net/tls.ts.
import { deepStrictEqual, ok } from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer as tlsServer } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Aedes } from "aedes";
import { connect as mqttConnect, type MqttClient } from "mqtt";
import { RealClock } from "../../host-sim/clock.js";
import { mosquittoPath, startAedes, startMosquitto, type TestBroker } from "../../host-sim/faults/brokers.js";
import { tlsSocketFactory } from "../../host-sim/net/sockets.js";
import { MqttConnection } from "../../src/mqtt/connection.js";
import { memoryLog } from "../helpers/mqtt-fake-socket.js";
import { device, textBytes } from "../helpers/mqtt-device.js";
import { until } from "../helpers/wait.js";

async function subscriber(port: number, topics: string[]): Promise<{ client: MqttClient; got: string[] }> {
  const client = mqttConnect(`mqtt://127.0.0.1:${port}`, {
    clientId: `sub-${Math.random().toString(36).slice(2, 8)}`,
    reconnectPeriod: 100,
  });
  const got: string[] = [];
  client.on("message", (topic, payload, packet) =>
    got.push(`${topic} ${payload.toString()}${packet.retain ? " (retained)" : ""}`),
  );
  await client.subscribeAsync(topics, { qos: 1 });
  return { client, got };
}

const brokers: [string, (() => Promise<TestBroker>) | undefined][] = [
  ["aedes", () => startAedes()],
  ["mosquitto", mosquittoPath() === undefined ? undefined : () => startMosquitto()],
];

for (const [name, start] of brokers) {
  describe(
    `MqttConnection with ${name}`,
    { skip: start === undefined ? "mosquitto is not installed (CI=true would fail)" : false },
    () => {
      let broker: TestBroker;
      before(async () => {
        broker = await start!();
      });
      after(async () => {
        await broker.close();
      });

      it("publishes at QoS 0, 1 and 2 and receives on its subscriptions", async () => {
        const sub = await subscriber(broker.port, ["data/#"]);
        const dev = device(broker.port);
        dev.conn.subscribe("cmd/dev", 1);
        dev.conn.start();
        await until(() => dev.conn.connected, "device connected");
        dev.conn.publish("data/q0", textBytes("zero"));
        dev.conn.publish("data/q1", textBytes("one"), { qos: 1 });
        dev.conn.publish("data/q2", textBytes("two"), { qos: 2 });
        await until(() => sub.got.length === 3, "3 messages at the subscriber");
        deepStrictEqual([...sub.got].sort(), ["data/q0 zero", "data/q1 one", "data/q2 two"]);
        await until(() => dev.conn.stats.queued === 0, "QoS 1/2 acknowledged");
        await until(() => dev.inbound.includes("suback"), "the broker's SUBACK for cmd/dev"); // subscribed before the command is published
        await sub.client.publishAsync("cmd/dev", "hello", { qos: 1 });
        await until(() => dev.messages.length === 1, "command delivered to the device");
        deepStrictEqual(dev.messages[0], { topic: "cmd/dev", payload: "hello", qos: 1, retain: false });
        dev.close();
        await sub.client.endAsync();
      });

      it("publishes its birth, and the broker publishes its will when the link dies", async () => {
        const status = `status/${name}`;
        const sub = await subscriber(broker.port, [status]);
        const dev = device(broker.port, {
          keepalive: 1,
          will: { topic: status, payload: textBytes("offline"), qos: 1, retain: true },
          birth: { topic: status, payload: textBytes("online"), qos: 1, retain: true },
        });
        dev.conn.start();
        await until(() => sub.got.includes(`${status} online`), "birth message");
        dev.conn.setNetwork(false); // the socket is dropped without DISCONNECT: the broker must send the will
        await until(() => sub.got.includes(`${status} offline`), "will message", 5000);
        dev.close();
        await sub.client.endAsync();
      });
    },
  );
}

describe("MqttConnection over TLS (simulator transport)", () => {
  const dir = mkdtempSync(join(tmpdir(), "luxflow-tls-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ],
    { stdio: "ignore" },
  );
  const cert = readFileSync(join(dir, "cert.pem"));
  let port = 0;
  let close: () => Promise<void>;
  before(async () => {
    const broker = await Aedes.createBroker();
    const server = tlsServer({ key: readFileSync(join(dir, "key.pem")), cert }, broker.handle);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    port = (server.address() as { port: number }).port;
    close = async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
      });
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    };
  });
  after(async () => {
    await close();
  });

  function tlsDevice(ca?: Buffer) {
    const clock = new RealClock();
    const reasons: string[] = [];
    const conn = new MqttConnection({
      socket: tlsSocketFactory(ca === undefined ? {} : { ca }),
      resolve: (_h, cb) => cb("127.0.0.1"),
      timers: clock,
      clock,
      log: memoryLog(),
      host: "127.0.0.1",
      port,
      clientId: "tls-dev",
      keepalive: 10,
      reconnectMin: 1000,
      reconnectMax: 2000,
      onDisconnect: (r) => reasons.push(r),
    });
    return {
      conn,
      reasons,
      done: () => {
        conn.stop();
        clock.clearAll();
      },
    };
  }

  it("connects when the broker's certificate verifies against the CA", async () => {
    const d = tlsDevice(cert);
    d.conn.start();
    await until(() => d.conn.connected, "TLS connection");
    d.done();
  });

  it("says clearly that the certificate does not verify without the CA", async () => {
    const d = tlsDevice();
    d.conn.start();
    await until(() => d.reasons.length > 0, "a TLS failure");
    ok(
      /^cannot connect: TLS certificate of 127\.0\.0\.1:\d+ does not verify \(DEPTH_ZERO_SELF_SIGNED_CERT: .*\); check the CA certificate \(mqtt_ca\)$/.test(
        d.reasons[0]!,
      ),
      String(d.reasons[0]),
    );
    ok(!d.conn.connected);
    d.done();
  });
});
