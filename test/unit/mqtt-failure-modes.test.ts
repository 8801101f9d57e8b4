// The client's failure modes of issue 11, one scenario each, against the scripted fake socket
// on virtual time: an inbound PUBLISH above the maximum size (skipped as it streams, acked at
// its QoS), a persistent session after a boot without its state, a broker answering QoS 2 with
// PUBACK, a connection that dies right after the same message, a new session after a clean
// reconnect, the birth at QoS 1, and the backoff after a connection that delivered.
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { describe, it } from "node:test";
import { PacketDecoder, encode, encodePublish, type PublishPacket } from "../../host-sim/broker-codec/index.js";
import type { ConnectionOptions, OversizedInfo } from "../../src/mqtt/connection.js";
import { ReadingWriter } from "../../src/writer.js";
import { memoryLog } from "../helpers/mqtt-fake-socket.js";
import { connectionRig, str, text } from "../helpers/mqtt-rig.js";

function setup(extra: Partial<ConnectionOptions> = {}) {
  const skipped: OversizedInfo[] = [];
  const { clock, net, log, reasons, got, conn } = connectionRig({
    random: () => 1,
    clean: true,
    reconnectMin: 1000,
    reconnectMax: 60000,
    onOversized: (info) => skipped.push(info),
    ...extra,
  });
  const accept = (sessionPresent = false) => {
    net.last().open();
    net.last().feed({ type: 2, sessionPresent, returnCode: 0 });
  };
  const publishes = (i = net.sockets.length - 1): PublishPacket[] =>
    net.sockets[i]!.packets().filter((p): p is PublishPacket => p.type === 3);
  return { clock, net, log, reasons, skipped, got, conn, accept, publishes };
}

/** A 5 KB PUBLISH on lux-1/command at `qos`, id 9. */
function bigCommand(qos: 1 | 2, retain = false): Uint8Array {
  return encodePublish(text("lux-1/command"), new Uint8Array(5000).fill(0x7b), qos, retain, false, 9);
}

describe("issue 11: an inbound PUBLISH above mqtt_max_packet", () => {
  it("the decoder streams past it at every split, buffering none of it, and reads the next packet", () => {
    const big = bigCommand(1, true);
    const next = encode({
      type: 3,
      topic: "lux-1/command",
      payload: text("{}"),
      qos: 0,
      retain: false,
      dup: false,
      id: 0,
    });
    const all = new Uint8Array(big.length + next.length);
    all.set(big);
    all.set(next, big.length);
    for (const step of [1, 2, 3, 7, 100, 1024, all.length]) {
      const d = new PacketDecoder(4096);
      const out: PublishPacket[] = [];
      for (let o = 0; o < all.length; o += step) {
        d.push(all.subarray(o, Math.min(all.length, o + step)));
        for (let p = d.next(); p; p = d.next()) out.push(p as PublishPacket);
        ok(d.buffered <= next.length, `step ${step}: ${d.buffered} bytes held`);
      }
      deepStrictEqual(
        out.map((p) => [p.topic, p.qos, p.id, p.retain, p.oversized, p.payload.length]),
        [
          ["lux-1/command", 1, 9, true, big.length, 0],
          ["lux-1/command", 0, 0, false, undefined, 2],
        ],
        `step ${step}`,
      );
    }
  });

  it("QoS 1: PUBACK, one line, the application told, the connection kept", () => {
    const t = setup();
    t.conn.start();
    t.accept();
    const big = bigCommand(1, true);
    for (let o = 0; o < big.length; o += 1000) t.net.last().feed(big.subarray(o, o + 1000));
    t.net
      .last()
      .feed({ type: 3, topic: "lux-1/command", payload: text("small"), qos: 1, retain: false, dup: false, id: 10 });
    ok(t.conn.connected);
    deepStrictEqual(t.reasons, []);
    deepStrictEqual(t.skipped, [{ topic: "lux-1/command", size: big.length, qos: 1, retain: true, max: 4096 }]);
    deepStrictEqual(t.got, ["lux-1/command small"]);
    deepStrictEqual(
      t.net
        .last()
        .packets()
        .filter((p) => p.type === 4),
      [
        { type: 4, id: 9 },
        { type: 4, id: 10 },
      ],
    );
    ok(
      t.log.lines.includes(
        "mqtt: skipped a 5020-byte message on lux-1/command (QoS 1): above the maximum packet size 4096 (mqtt_max_packet); acknowledged, so the broker does not send it again",
      ),
      t.log.lines.join("\n"),
    );
  });

  it("QoS 2: PUBREC, PUBREL → PUBCOMP, told once though the broker resends it before PUBREL", () => {
    const t = setup();
    t.conn.start();
    t.accept();
    t.net.last().feed(bigCommand(2));
    const dup = bigCommand(2);
    dup[0] = dup[0]! | 8;
    t.net.last().feed(dup);
    t.net.last().feed({ type: 6, id: 9 });
    ok(t.conn.connected);
    strictEqual(t.skipped.length, 1);
    deepStrictEqual(
      t.net
        .last()
        .packets()
        .filter((p) => p.type >= 4 && p.type <= 7),
      [
        { type: 5, id: 9 },
        { type: 5, id: 9 },
        { type: 7, id: 9 },
      ],
    );
  });
});

describe("issue 11: sessions", () => {
  it("clean=0 after a boot: the first connection starts the session afresh (clean, DISCONNECT), then resumes persistently", () => {
    const t = setup({ clean: false });
    t.conn.publish("d", text("r1"), { qos: 2 });
    t.conn.start();
    t.accept(true);
    const first = t.net.sockets[0]!.packets();
    deepStrictEqual(
      first.map((p) => p.type),
      [1, 14],
      "CONNECT, then DISCONNECT at once: nothing published in the discarded session",
    );
    ok(first[0]!.type === 1 && first[0]!.clean);
    strictEqual(t.net.sockets.length, 2);
    t.accept(false);
    const second = t.net.last().packets();
    ok(second[0]!.type === 1 && !second[0]!.clean, "then Clean Session 0 [MQTT-3.1.2-4]");
    deepStrictEqual(
      t.publishes().map((p) => [str(p.payload), p.qos, p.dup]),
      [["r1", 2, false]],
    );
    t.net.last().fail();
    t.clock.advance(2000);
    t.accept(true);
    ok(
      t.net.last().packets()[0]!.type === 1 && !(t.net.last().packets()[0] as { clean: boolean }).clean,
      "a reconnect in the same boot resumes",
    );
    deepStrictEqual(
      t.publishes().map((p) => [str(p.payload), p.dup]),
      [["r1", true]],
    );
    deepStrictEqual(t.reasons, ["connection lost: connection reset"], "the fresh start is no disconnect");
  });

  it("clean=0 on a wake that kept the session's state (deep sleep, nothing in flight): the first connection resumes it", () => {
    const t = setup({ clean: false, sessionKept: true });
    t.conn.start();
    t.accept(true);
    const first = t.net.sockets[0]!.packets();
    ok(first[0]!.type === 1 && !first[0]!.clean, "Clean Session 0 from the start");
    ok(!first.some((p) => p.type === 14), "no DISCONNECT");
    strictEqual(t.net.sockets.length, 1);
  });

  it("Session present 0: unacknowledged publishes go again as new ones (DUP 0, new ids), no PUBREL [MQTT-3.1.2-6] [MQTT-4.4.0-1]", () => {
    const t = setup();
    t.conn.start();
    t.accept();
    for (let i = 0; i < 3; i++) t.conn.publish("d", text(`q1-${i}`), { qos: 1 });
    t.conn.publish("d", text("q2-a"), { qos: 2 });
    t.conn.publish("d", text("q2-b"), { qos: 2 });
    const firstIds = t.publishes().map((p) => p.id);
    t.net.last().feed({ type: 5, id: firstIds[3]! }); // q2-a PUBREC'd, PUBREL sent
    t.net.last().fail();
    t.clock.advance(2000);
    t.accept(false);
    const again = t.publishes();
    deepStrictEqual(
      again.map((p) => [str(p.payload), p.dup]),
      [
        ["q1-0", false],
        ["q1-1", false],
        ["q1-2", false],
        ["q2-a", false],
        ["q2-b", false],
      ],
    );
    ok(
      again.every((p) => !firstIds.includes(p.id)),
      `new identifiers: ${again.map((p) => p.id)} after ${firstIds}`,
    );
    strictEqual(
      t.net
        .last()
        .packets()
        .filter((p) => p.type === 6).length,
      0,
      "no PUBREL for a session the broker no longer has",
    );
    for (const p of again) t.net.last().feed({ type: p.qos === 1 ? 4 : 5, id: p.id });
    for (const p of again) if (p.qos === 2) t.net.last().feed({ type: 7, id: p.id });
    strictEqual(t.conn.stats.queued, 0);
  });
});

describe("issue 11: a broker answering QoS 2 with PUBACK", () => {
  it("one line, QoS 1 from then on, every message completed once, none dropped", () => {
    const t = setup({ maxInflight: 8, outbox: 600 });
    t.conn.start();
    t.accept();
    for (let i = 0; i < 30; i++) {
      t.conn.publish("d", text(`m${i}-${"x".repeat(20)}`), { qos: 2 });
      const sent = t.publishes();
      t.net.last().written.length = 0;
      for (const p of sent) t.net.last().feed({ type: 4, id: p.id });
    }
    strictEqual(t.conn.stats.queued, 0);
    strictEqual(t.conn.stats.dropped, 0);
    deepStrictEqual(
      t.log.lines.filter((l) => l.includes("PUBACK")),
      ["mqtt: the broker answered QoS 2 with PUBACK: it does not support QoS 2; sending at QoS 1"],
    );
    t.conn.publish("d", text("after"), { qos: 2 });
    deepStrictEqual(
      t.publishes().map((p) => [str(p.payload), p.qos]),
      [["after", 1]],
    );
  });
});

describe("issue 11: a connection that dies right after the same message", () => {
  it("is set aside after three such deaths with one error line; smaller messages keep flowing; the size is refused after", () => {
    const t = setup({ reconnectMin: 100, reconnectMax: 100 });
    t.conn.start();
    t.accept();
    t.conn.publish("lux-1/state", new Uint8Array(389), { qos: 1, retain: true });
    for (let death = 0; death < 3; death++) {
      t.conn.publish("r", text(`reading ${death}`), { qos: 1 });
      const sent = t.publishes();
      for (const p of sent) if (p.payload.length < 100) t.net.last().feed({ type: 4, id: p.id }); // the broker acks what came before the big one…
      t.net.last().fail("closed by the peer"); // …and closes on the big one
      t.clock.advance(200);
      t.accept(true);
    }
    deepStrictEqual(
      t.publishes().map((p) => p.topic),
      [],
      "the big one is not sent a fourth time",
    );
    ok(
      t.log.lines.some(
        (l) =>
          l ===
          "mqtt: the connection died 3 times in a row right after the 407-byte message to lux-1/state: set aside, not sent again; messages of 407 bytes or more are refused from now on (is the broker's maximum packet size below mqtt_max_packet?)",
      ),
      t.log.lines.join("\n"),
    );
    strictEqual(t.conn.publish("r", text("more"), { qos: 1 }), "sent");
    throws(
      () => t.conn.publish("lux-1/state", new Uint8Array(389), { qos: 1, retain: true }),
      /is 407 bytes: not sent: the broker closed the connection right after a 407-byte message/,
    );
  });

  it("a link that drops while different messages are in flight sets nothing aside", () => {
    const t = setup({ reconnectMin: 100, reconnectMax: 100 });
    t.conn.start();
    t.accept();
    for (let death = 0; death < 5; death++) {
      t.conn.publish("r", text(`reading ${death}`), { qos: 1 });
      t.net.last().fail();
      t.clock.advance(200);
      t.accept(true);
      for (const p of t.publishes()) t.net.last().feed({ type: 4, id: p.id });
    }
    strictEqual(t.conn.stats.queued, 0);
    ok(!t.log.lines.some((l) => l.includes("set aside")));
  });

  it("a link that drops three times before the same message's PUBACK sets nothing aside once the broker took that size", () => {
    const t = setup({ reconnectMin: 100, reconnectMax: 100 });
    t.conn.start();
    t.accept();
    t.conn.publish("sensor-data", new Uint8Array(200), { qos: 1 });
    for (const p of t.publishes()) t.net.last().feed({ type: 4, id: p.id }); // the broker takes 200 bytes
    t.conn.publish("sensor-data", new Uint8Array(200).fill(1), { qos: 1 });
    for (let death = 0; death < 3; death++) {
      t.net.last().fail("closed by the peer"); // the link drops before each PUBACK
      t.clock.advance(200);
      t.accept(true);
    }
    const resent = t.publishes();
    deepStrictEqual(
      resent.map((p) => [p.topic, p.payload[0], p.dup]),
      [["sensor-data", 1, true]],
      "sent again on the fourth connection",
    );
    t.net.last().feed({ type: 4, id: resent[0]!.id });
    strictEqual(t.conn.stats.queued, 0);
    ok(!t.log.lines.some((l) => l.includes("set aside")), t.log.lines.join("\n"));
    strictEqual(t.conn.publish("sensor-data", new Uint8Array(200), { qos: 1 }), "sent");
  });

  it("readings: one acknowledged reading vouches for the next, however often the link drops before its PUBACK", () => {
    const t = setup({ reconnectMin: 100, reconnectMax: 100 });
    const writer = new ReadingWriter(t.conn, memoryLog(), {
      topic: "sensor-data",
      qos: 1,
      format: "thingflow",
      sensorId: "lux-1",
      boot: 1,
    });
    t.conn.start();
    t.accept();
    writer.onNext({ sensorId: "lux-1", timestamp: 5, value: 284.1312, seq: 1 });
    for (const p of t.publishes()) t.net.last().feed({ type: 4, id: p.id });
    writer.onNext({ sensorId: "lux-1", timestamp: 10, value: 284.1313, seq: 2 });
    for (let death = 0; death < 4; death++) {
      t.net.last().fail("closed by the peer");
      t.clock.advance(200);
      t.accept(true);
    }
    const resent = t.publishes();
    deepStrictEqual(
      resent.map((p) => str(p.payload)),
      ['["lux-1", 10, 284.1313]'],
      "the reading is still queued and sent again",
    );
    t.net.last().feed({ type: 4, id: resent[0]!.id });
    strictEqual(t.conn.stats.queued, 0);
    ok(!t.log.lines.some((l) => l.includes("set aside")), t.log.lines.join("\n"));
  });
});

describe("issue 12 (MQTT part): the birth at QoS 1; issue 7: the backoff", () => {
  it("publishes the retained birth at the will's QoS 1, and PUBACK completes it", () => {
    const t = setup({
      birth: { topic: "lux-1/status", payload: text("online"), qos: 1, retain: true },
      will: { topic: "lux-1/status", payload: text("offline"), qos: 1, retain: true },
    });
    t.conn.start();
    t.accept();
    const [birth] = t.publishes();
    deepStrictEqual(
      [birth!.topic, str(birth!.payload), birth!.qos, birth!.retain],
      ["lux-1/status", "online", 1, true],
    );
    t.net.last().feed({ type: 4, id: birth!.id });
    ok(t.conn.connected);
    deepStrictEqual(t.reasons, []);
  });

  it("a connection that got CONNACK and delivered resets the backoff; one that delivered nothing does not", () => {
    const t = setup();
    t.conn.start();
    const delays: string[] = [];
    for (let i = 0; i < 5; i++) {
      t.accept();
      t.conn.publish("d", text(`${i}`), { qos: 1 });
      const p = t.publishes().at(-1)!;
      t.net.last().feed({ type: 4, id: p.id });
      t.net.last().fail();
      delays.push(t.log.lines.at(-1)!.replace(/.*retrying in /, ""));
      t.clock.advance(1000);
    }
    deepStrictEqual(delays, ["1.0 s", "1.0 s", "1.0 s", "1.0 s", "1.0 s"]);
    const idle: string[] = [];
    for (let i = 0; i < 3; i++) {
      t.accept();
      t.net.last().fail();
      idle.push(t.log.lines.at(-1)!.replace(/.*retrying in /, ""));
      t.clock.advance(parseFloat(idle.at(-1)!) * 1000);
    }
    deepStrictEqual(idle, ["2.0 s", "4.0 s", "8.0 s"], "doubling on from the last delivered connection");
  });
});
