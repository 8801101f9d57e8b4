// Over real loopback TCP: a dead broker gets backoff, not a storm; a blackholed broker hits
// the connect timeout; and every misbehaving-broker case is survived with one readable line,
// after which the device connects to the (now sane) broker and delivers what it queued.
import { deepStrictEqual, ok } from "node:assert/strict";
import { describe, it } from "node:test";
import { BadBroker, type Scenario } from "../../host-sim/faults/bad-broker.js";
import { freePort } from "../../host-sim/faults/brokers.js";
import { FaultProxy } from "../../host-sim/faults/proxy.js";
import { VirtualClock } from "../../host-sim/clock.js";
import { tcpSocketFactory } from "../../host-sim/net/sockets.js";
import type { SocketFactory } from "../../src/platform.js";
import { device, textBytes } from "../helpers/mqtt-device.js";
import { until } from "../helpers/wait.js";

/** A TCP factory that records when (on `clock`) each connection attempt starts. */
function countingFactory(clock: VirtualClock): { factory: SocketFactory; starts: number[] } {
  const inner = tcpSocketFactory();
  const starts: number[] = [];
  return {
    starts,
    factory: (o) => {
      starts.push(clock.now());
      return inner(o);
    },
  };
}

describe("backoff against a dead broker", () => {
  it("spaces attempts by jittered exponential backoff: no storm", async () => {
    const port = await freePort(); // nothing listens: every attempt is refused at once
    // Real refusals over loopback TCP, timers on the virtual clock: 3 s of backoff without waiting 3 s.
    const clock = new VirtualClock(0);
    const c = countingFactory(clock);
    const dev = device(port, { socket: c.factory, timers: clock, clock, reconnectMin: 100, reconnectMax: 800 });
    dev.conn.start();
    while (clock.now() < 3000) {
      await until(() => dev.reasons.length >= c.starts.length, `the refusal of attempt ${c.starts.length}`);
      const attempts = c.starts.length;
      while (c.starts.length === attempts && clock.now() < 3000) clock.advance(1); // to the retry timer
    }
    dev.close();
    const gaps = c.starts.slice(1).map((t, i) => t - c.starts[i]!);
    // Caps 100, 200, 400, 800, 800 ...; each delay is in [cap/2, cap] and never below min.
    const caps = gaps.map((_, i) => Math.min(800, 100 * 2 ** i));
    gaps.forEach((g, i) => ok(g >= Math.max(100, caps[i]! / 2) - 5, `gap ${i} was ${g} ms (cap ${caps[i]})`));
    ok(c.starts.length <= 12, `${c.starts.length} attempts in 3 s`);
    ok(c.starts.length >= 4, `${c.starts.length} attempts in 3 s`);
    ok(
      dev.reasons.every((r) => /^cannot connect: connect ECONNREFUSED 127\.0\.0\.1:\d+$/.test(r)),
      String(dev.reasons[0]),
    );
  });

  it("gives up on a blackholed broker after the connect timeout and retries", async () => {
    const broker = await BadBroker.start();
    const proxy = await FaultProxy.start({ port: broker.port });
    proxy.blackhole(true);
    const dev = device(proxy.port, { connectTimeout: 300, reconnectMin: 100, reconnectMax: 200 });
    dev.conn.start();
    await until(() => dev.reasons.length >= 2, "two timed-out attempts", 3000);
    deepStrictEqual(dev.reasons.slice(0, 2), ["no CONNACK within 300 ms", "no CONNACK within 300 ms"]);
    proxy.blackhole(false);
    await until(() => dev.conn.connected, "connected once the link works", 3000);
    dev.close();
    await proxy.stop();
    await broker.stop();
  });

  it("rides out a throttled and delayed link", async () => {
    const broker = await BadBroker.start();
    const proxy = await FaultProxy.start({ port: broker.port });
    proxy.delay(50);
    proxy.throttle(4000);
    const dev = device(proxy.port);
    dev.conn.start();
    for (let i = 0; i < 50; i++) dev.conn.publish("t", new Uint8Array(100), { qos: 1 });
    await until(() => dev.conn.stats.queued === 0, "50 slow publishes acknowledged", 8000);
    deepStrictEqual(dev.reasons, []);
    dev.close();
    await proxy.stop();
    await broker.stop();
  });
});

describe("misbehaving broker", () => {
  const cases: [string, Scenario, string][] = [
    ["a malformed packet", "malformed", "protocol error from the broker: PUBACK remaining length 3 must be 2 (§3.4.1)"],
    [
      "an unexpected packet type",
      "unexpected-type",
      "protocol error: unexpected SUBSCRIBE from the broker (a client never receives it)",
    ],
    [
      "an absurd remaining length",
      "absurd-length",
      "protocol error from the broker: SUBACK of 268435460 bytes exceeds the maximum packet size 4096",
    ],
    ["closing right after CONNACK", "close-after-connack", "connection lost: closed by the peer"],
    ["garbage instead of CONNACK", "garbage", "protocol error from the broker: reserved packet type 0 [MQTT-2.2.1]"],
    ["silence after CONNECT", "silent", "no CONNACK within 400 ms"],
    ["refusal code 2", { refuse: 2 }, "connection refused: client identifier rejected (CONNACK 2)"],
    ["refusal code 5", { refuse: 5 }, "connection refused: not authorized (CONNACK 5)"],
  ];

  it("survives every case with one readable line, then carries on", async () => {
    const broker = await BadBroker.start();
    const dev = device(broker.port, { connectTimeout: 400, reconnectMin: 20, reconnectMax: 40 });
    let seq = 0;
    for (const [name, scenario, reason] of cases) {
      broker.scenario = scenario;
      const before = dev.reasons.length;
      dev.conn.publish("seq", textBytes(JSON.stringify({ seq: seq++ })), { qos: 1 });
      if (seq === 1) dev.conn.start();
      await until(() => dev.reasons.slice(before).includes(reason), `"${reason}" for ${name}`, {
        timeoutMs: 3000,
        detail: () => `got ${JSON.stringify(dev.reasons.slice(before))}`,
      });
      ok(dev.reasons.every((r) => !r.includes("\n")));
    }
    broker.scenario = "good";
    await until(
      () => dev.conn.connected && dev.conn.stats.queued === 0,
      "the queue delivered to the sane broker",
      3000,
    );
    const seqs = broker.received.flatMap((p) =>
      p.type === 3 ? [JSON.parse(Buffer.from(p.payload).toString()).seq as number] : [],
    );
    deepStrictEqual(
      [...new Set(seqs)].sort((a, b) => a - b),
      cases.map((_, i) => i),
    );
    dev.close();
    await broker.stop();
  });
});
