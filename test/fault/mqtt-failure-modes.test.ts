// Issue 11's broker-side failure modes over real loopback TCP: the misbehaving broker (on
// mqtt-packet, an independent codec), Debian's RabbitMQ (its MQTT plugin answers QoS 2 with
// PUBACK) and mosquitto with `max_packet_size 300`. Under CI=true a missing broker fails.
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { describe, it } from "node:test";
import { connect as mqttConnect } from "mqtt";
import { BadBroker } from "../../host-sim/faults/bad-broker.js";
import { mosquittoPath, rabbitMqPath, startMosquitto, startRabbitMq } from "../../host-sim/faults/brokers.js";
import { device, textBytes } from "../helpers/mqtt-device.js";
import { sleep, until } from "../helpers/wait.js";

const PUBACK_LINE = "mqtt: the broker answered QoS 2 with PUBACK: it does not support QoS 2; sending at QoS 1";

describe("an inbound PUBLISH above mqtt_max_packet, streamed in 1 KB pieces", () => {
  for (const qos of [1, 2] as const) {
    it(`QoS ${qos}: acknowledged, reported once, the connection kept`, async () => {
      const broker = await BadBroker.start();
      const skipped: string[] = [];
      const dev = device(broker.port, { onOversized: (i) => skipped.push(`${i.topic} ${i.size} ${i.qos}`) });
      try {
        dev.conn.start();
        await until(() => dev.conn.connected, "connected");
        broker.sendPacket(
          {
            cmd: "publish",
            topic: "lux-1/command",
            payload: Buffer.alloc(5000, 0x7b),
            qos,
            messageId: 9,
            retain: true,
            dup: false,
          },
          1024,
        );
        const ack = qos === 1 ? "puback" : "pubrec";
        await until(() => broker.received.some((p) => p.cmd === ack && p.id === 9), `the ${ack}`);
        if (qos === 2) {
          broker.sendPacket({ cmd: "pubrel", messageId: 9 });
          await until(() => broker.received.some((p) => p.cmd === "pubcomp" && p.id === 9), "the PUBCOMP");
        }
        broker.sendPacket({
          cmd: "publish",
          topic: "lux-1/command",
          payload: Buffer.from("after"),
          qos: 0,
          retain: false,
          dup: false,
        });
        await until(() => dev.messages.length === 1, "the next message delivered");
        strictEqual(dev.messages[0]!.payload, "after");
        deepStrictEqual(skipped, [`lux-1/command 5020 ${qos}`]);
        deepStrictEqual(dev.reasons, [], "no disconnect");
        strictEqual(broker.accepted, 1, "one connection throughout");
      } finally {
        dev.close();
        await broker.stop();
      }
    });
  }
});

describe("QoS 2 with mqtt_clean=0 across a reboot", () => {
  it("no reading of the second boot is taken for a duplicate of the first boot's identifiers", async () => {
    const broker = await BadBroker.start();
    broker.sessions = true;
    broker.qos2 = "none"; // boot 1 dies before any PUBREC: the broker holds its identifiers
    const boot1 = device(broker.port, { clientId: "lux-q2", clean: false });
    boot1.conn.start();
    for (let seq = 1; seq <= 5; seq++) boot1.conn.publish("sensor-data", textBytes(`boot1 ${seq}`), { qos: 2 });
    await until(() => broker.delivered.length === 5, "boot 1's five readings at the broker");
    boot1.close(); // the board loses power: its RAM, the session state with it
    broker.qos2 = "pubrec";
    const boot2 = device(broker.port, { clientId: "lux-q2", clean: false });
    try {
      boot2.conn.start();
      for (let seq = 1; seq <= 5; seq++) boot2.conn.publish("sensor-data", textBytes(`boot2 ${seq}`), { qos: 2 });
      await until(() => boot2.conn.connected && boot2.conn.stats.queued === 0, "boot 2's readings completed");
      deepStrictEqual(
        broker.delivered.map((p) => Buffer.from(p.payload).toString()).filter((s) => s.startsWith("boot2")),
        [1, 2, 3, 4, 5].map((n) => `boot2 ${n}`),
        broker.log.join("\n"),
      );
      deepStrictEqual(broker.log, []);
      ok(boot2.log.lines.some((l) => l.startsWith("mqtt: started a new persistent session as lux-q2")));
    } finally {
      boot2.close();
      await broker.stop();
    }
  });
});

/** 30 QoS 2 publishes to a broker that answers them with PUBACK: every one completes, one line. */
async function pubackForQoS2(port: number, delivered: () => number): Promise<void> {
  const dev = device(port, { maxInflight: 8 });
  try {
    dev.conn.start();
    for (let i = 0; i < 30; i++) dev.conn.publish("lux/q2", textBytes(`m${i}`), { qos: 2 });
    await until(() => dev.conn.connected && dev.conn.stats.queued === 0, "every QoS 2 publish completed", 10_000);
    await until(() => delivered() >= 30, "all 30 delivered", 10_000);
    strictEqual(dev.conn.stats.dropped, 0);
    deepStrictEqual(
      dev.log.lines.filter((l) => l.includes("PUBACK")),
      [PUBACK_LINE],
    );
    deepStrictEqual(dev.reasons, []);
  } finally {
    dev.close();
  }
}

describe("a broker that answers QoS 2 with PUBACK", () => {
  it("the misbehaving broker: downgraded to QoS 1 with one line, nothing lost or dropped", async () => {
    const broker = await BadBroker.start();
    broker.qos2 = "puback";
    try {
      await pubackForQoS2(broker.port, () => broker.delivered.length);
      ok(
        broker.received
          .filter((p) => p.type === 3)
          .slice(8)
          .every((p) => p.qos === 1),
        "after the first window, QoS 1",
      );
    } finally {
      await broker.stop();
    }
  });

  it(
    "RabbitMQ 3.10's MQTT plugin: the same",
    { skip: rabbitMqPath() === undefined ? "rabbitmq-server is not installed" : false, timeout: 120_000 },
    async () => {
      const broker = await startRabbitMq();
      const seen: string[] = [];
      const sub = mqttConnect(`mqtt://127.0.0.1:${broker.port}`, {
        clientId: `sub-${process.pid}`,
        protocolVersion: 4,
      });
      try {
        sub.on("message", (_t, payload) => seen.push(payload.toString()));
        await sub.subscribeAsync("lux/q2", { qos: 1 });
        await pubackForQoS2(broker.port, () => new Set(seen).size);
      } finally {
        await sub.endAsync();
        await broker.close();
      }
    },
  );
});

describe(
  "mosquitto with max_packet_size 300: a 389-byte retained state",
  { skip: mosquittoPath() === undefined ? "mosquitto is not installed" : false },
  () => {
    it("is set aside after the connection dies right after it three times; readings keep flowing", async () => {
      const broker = await startMosquitto(0, ["max_packet_size 300"]);
      const seen: number[] = [];
      const sub = mqttConnect(`mqtt://127.0.0.1:${broker.port}`, {
        clientId: `sub-${process.pid}`,
        protocolVersion: 4,
      });
      const dev = device(broker.port, { reconnectMin: 100, reconnectMax: 2000 });
      try {
        sub.on("message", (_t, payload) => seen.push(Number(payload.toString())));
        await sub.subscribeAsync("sensor-data", { qos: 1 });
        dev.conn.start();
        await until(() => dev.conn.connected, "connected");
        dev.conn.publish("lux-1/state", textBytes(JSON.stringify({ state: "x".repeat(370) })), {
          qos: 1,
          retain: true,
        });
        for (let seq = 1; seq <= 40; seq++) {
          dev.conn.publish("sensor-data", textBytes(String(seq)), { qos: 1 });
          await sleep(50); // readings keep coming while the connection dies and is set aside
        }
        await until(() => new Set(seen).size === 40, "all 40 readings", {
          timeoutMs: 10_000,
          detail: () => `saw ${new Set(seen).size}: ${dev.reasons.join(" | ")}`,
        });
        ok(dev.reasons.length <= 3, dev.reasons.join(" | "));
        ok(
          dev.log.lines.some((l) =>
            /^mqtt: the connection died 3 times in a row right after the \d+-byte message to lux-1\/state: set aside/.test(
              l,
            ),
          ),
          dev.log.lines.join("\n"),
        );
      } finally {
        dev.close();
        await sub.endAsync();
        await broker.close();
      }
    });
  },
);
