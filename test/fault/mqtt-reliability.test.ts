// No reading lost: the device publishes {"seq":n} at QoS 1 through the fault proxy while the
// proxy resets, closes and blackholes the link, Wi-Fi drops and returns, and the broker is
// killed and restarted. A persistent-session subscriber (the `mqtt` package, clean: false)
// must see every sequence number, in order after de-duplication. Run against aedes and
// mosquitto (under CI=true a missing mosquitto fails instead of skipping).
import { deepStrictEqual, ok } from "node:assert/strict";
import { describe, it } from "node:test";
import { connect as mqttConnect } from "mqtt";
import { mosquittoPath, startAedes, startMosquitto, type TestBroker } from "../../host-sim/faults/brokers.js";
import { FaultProxy } from "../../host-sim/faults/proxy.js";
import { device, textBytes } from "../helpers/mqtt-device.js";
import { until } from "../helpers/wait.js";

const N = 400;

async function run(broker: TestBroker): Promise<void> {
  const topic = `seq/${broker.name}`;
  const subId = `sub-${broker.name}-${process.pid}`;
  const seen: number[] = [];
  const sub = mqttConnect(`mqtt://127.0.0.1:${broker.port}`, { clientId: subId, clean: false, reconnectPeriod: 100 });
  sub.on("message", (_t, payload) => seen.push((JSON.parse(payload.toString()) as { seq: number }).seq));
  await sub.subscribeAsync(topic, { qos: 1 });

  const proxy = await FaultProxy.start({ port: broker.port });
  const dev = device(proxy.port, {
    clientId: `dev-${broker.name}`,
    clean: false,
    keepalive: 1,
    outbox: 64 * 1024,
  });
  dev.conn.start();
  await until(() => dev.conn.connected, "device connected");

  let seq = 0;
  let sampler: ReturnType<typeof setInterval> | undefined;
  try {
    sampler = setInterval(() => {
      if (seq < N) dev.conn.publish(topic, textBytes(JSON.stringify({ seq: seq++ })), { qos: 1 });
    }, 8);
    const faults: (() => Promise<void>)[] = [];
    for (let i = 0; i < 6; i++)
      faults.push(
        async () => proxy.resetAll(),
        async () => proxy.closeAll(),
      );
    const noticed = async (what: string, before: number) => until(() => dev.reasons.length > before, what, 5000);
    faults.splice(4, 0, async () => {
      const n = dev.reasons.length;
      await broker.kill();
      await noticed("the device to lose the stopped broker", n);
      await broker.restart();
    });
    faults.splice(8, 0, async () => {
      proxy.blackhole(true);
      await until(() => !dev.conn.connected, "dead link detected", 3000);
      proxy.blackhole(false);
    });
    faults.splice(10, 0, async () => {
      const n = dev.reasons.length;
      dev.conn.setNetwork(false);
      await noticed("the device to drop the link with the network", n);
      dev.conn.setNetwork(true);
    });
    const drops = () => dev.conn.stats.reconnects;
    for (const fault of faults) {
      await until(() => dev.conn.connected, "device reconnected", 5000);
      // Each fault cuts a connection that has delivered (a PUBACK on it), while readings remain.
      const acks = dev.inbound.filter((cmd) => cmd === "puback").length;
      await until(
        () => seq === N || dev.inbound.filter((cmd) => cmd === "puback").length > acks,
        "a PUBACK on the new connection",
        5000,
      );
      const before = dev.reasons.length;
      await fault();
      await until(() => dev.reasons.length > before, "the device to notice the fault", 5000);
    }
    await until(() => seq === N && dev.conn.stats.queued === 0, "the device to drain its outbox", 15000);
    await until(() => new Set(seen).size === N, `all ${N} sequence numbers`, 15000).catch((e: Error) => {
      const missing = Array.from({ length: N }, (_, i) => i).filter((i) => !seen.includes(i));
      throw new Error(`${e.message}; missing ${missing.join(",")}; device saw: ${dev.reasons.join(" | ")}`);
    });

    const firsts: number[] = [];
    const have = new Set<number>();
    for (const s of seen)
      if (!have.has(s)) {
        have.add(s);
        firsts.push(s);
      }
    deepStrictEqual(
      firsts,
      Array.from({ length: N }, (_, i) => i),
      "in order after de-duplication, none lost",
    );
    ok(drops() >= 12, `reconnects ${drops()}: ${dev.reasons.join(" | ")}`);
    ok(dev.conn.stats.dropped === 0);
  } finally {
    clearInterval(sampler);
    dev.close();
    await sub.endAsync();
    await proxy.stop();
  }
}

describe("QoS 1 store-and-forward under faults", () => {
  it("aedes: every sequence number arrives across 12 link drops, a blackhole, Wi-Fi loss and a broker restart", async () => {
    const broker = await startAedes();
    try {
      await run(broker);
    } finally {
      await broker.close();
    }
  });

  it(
    "mosquitto: the same run",
    { skip: mosquittoPath() === undefined ? "mosquitto is not installed" : false },
    async () => {
      const broker = await startMosquitto();
      try {
        await run(broker);
      } finally {
        await broker.close();
      }
    },
  );
});
