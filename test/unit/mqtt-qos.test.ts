// Store-and-forward, QoS 1/2 flows, in-flight window, DUP resend, subscriptions and
// misbehaving-broker packets, against the scripted fake socket on virtual time.
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { describe, it } from "node:test";
import type { ConnectionOptions } from "../../src/mqtt/connection.js";
import type { Packet, PublishPacket } from "../../src/mqtt/packets.js";
import { connectionRig, str, text } from "../helpers/mqtt-rig.js";

function setup(extra: Partial<ConnectionOptions> = {}) {
  const { clock, net, log, got, reasons, conn } = connectionRig(
    { clean: false, reconnectMin: 100, reconnectMax: 1000, ...extra },
    (topic, payload, info) => `${topic} ${str(payload)} q${info.qos}`,
  );
  /**
   * Opens and accepts the connection; on a persistent client's first one, also the clean start before it
   * (#restartSession).
   */
  const connect = (sessionPresent = true) => {
    net.last().open();
    const connect = net
      .last()
      .packets()
      .find((p) => p.type === 1);
    if (connect?.type === 1 && connect.clean && extra.clean !== true) {
      net.last().feed({ type: 2, sessionPresent: false, returnCode: 0 });
      net.last().open();
    }
    net.last().feed({ type: 2, sessionPresent, returnCode: 0 });
  };
  const publishes = (): PublishPacket[] =>
    net
      .last()
      .packets()
      .filter((p): p is PublishPacket => p.type === 3);
  return { clock, net, log, got, reasons, conn, connect, publishes };
}

describe("MqttConnection store-and-forward and QoS", () => {
  it("queues while offline and drains in order after connecting", () => {
    const t = setup();
    for (let i = 0; i < 5; i++) strictEqual(t.conn.publish("d", text(`${i}`), { qos: 1 }), "queued");
    t.conn.start();
    t.connect();
    deepStrictEqual(
      t.publishes().map((p) => [str(p.payload), p.id, p.dup]),
      [
        ["0", 1, false],
        ["1", 2, false],
        ["2", 3, false],
        ["3", 4, false],
        ["4", 5, false],
      ],
    );
    strictEqual(t.conn.stats.queued, 5);
    for (let id = 1; id <= 5; id++) t.net.last().feed({ type: 4, id });
    strictEqual(t.conn.stats.queued, 0);
  });

  it("keeps at most maxInflight unacknowledged and sends the next on PUBACK", () => {
    const t = setup({ maxInflight: 2 });
    t.conn.start();
    t.connect();
    for (let i = 0; i < 4; i++) t.conn.publish("d", text(`${i}`), { qos: 1 });
    strictEqual(t.publishes().length, 2);
    t.net.last().feed({ type: 4, id: 1 });
    deepStrictEqual(
      t.publishes().map((p) => str(p.payload)),
      ["0", "1", "2"],
    );
  });

  it("resends unacknowledged publishes with DUP and the same id after a reconnect [MQTT-4.4.0-1]", () => {
    const t = setup();
    t.conn.start();
    t.connect();
    t.conn.publish("d", text("a"), { qos: 1 });
    t.conn.publish("d", text("b"), { qos: 2 });
    t.net.last().feed({ type: 5, id: 2 }); // PUBREC for b
    t.net.last().fail();
    t.clock.advance(1000);
    t.connect();
    const after = t.net.last().packets().slice(1);
    deepStrictEqual(
      after.map((p) => [p.type, "id" in p ? p.id : 0, p.type === 3 ? p.dup : undefined]),
      [
        [6, 2, undefined],
        [3, 1, true],
      ],
    );
    t.net.last().feed({ type: 4, id: 1 });
    t.net.last().feed({ type: 7, id: 2 });
    strictEqual(t.conn.stats.queued, 0);
  });

  it("drops the oldest when the outbox is full, counts it and says so", () => {
    const t = setup({ outbox: 64 }); // 3 of these 17-byte slots (16-byte packet + state byte)
    for (let i = 0; i < 10; i++) t.conn.publish("d", text(`{"seq":${i}}`), { qos: 1 });
    deepStrictEqual([t.conn.stats.dropped, t.conn.stats.queued, t.conn.stats.queuedBytes], [7, 3, 51]);
    ok(
      t.log.lines.some((l) =>
        l.startsWith("mqtt: outbox full (64 bytes): dropped the oldest message, 1 dropped so far"),
      ),
    );
    t.conn.start();
    t.connect();
    const seqs = t.publishes().map((p) => JSON.parse(str(p.payload)).seq as number);
    deepStrictEqual(
      seqs,
      Array.from({ length: t.conn.stats.queued }, (_, i) => 10 - t.conn.stats.queued + i),
    );
  });

  it("keeps resending PUBREL after a reconnect for a PUBREC'd publish the full outbox dropped [MQTT-4.3.3-1]", () => {
    const t = setup({ outbox: 64 });
    t.conn.start();
    t.connect();
    t.conn.publish("d", text("q2"), { qos: 2 });
    t.net.last().feed({ type: 5, id: 1 }); // PUBREC: PUBREL sent, PUBCOMP awaited
    t.net.last().fail();
    for (let i = 0; i < 6; i++) t.conn.publish("d", text(`{"seq":${i}}`), { qos: 1 });
    ok(t.conn.stats.dropped >= 1); // the QoS 2 entry was the oldest
    t.clock.advance(1000);
    t.connect();
    const after = t.net.last().packets().slice(1);
    deepStrictEqual(after[0], { type: 6, id: 1 });
    // Identifier 1 stays reserved until PUBCOMP: the resent publishes use others.
    ok(after.slice(1).every((p) => p.type === 3 && p.id !== 1));
    t.net.last().fail();
    t.clock.advance(1000);
    t.connect();
    deepStrictEqual(t.net.last().packets()[1], { type: 6, id: 1 }); // again, until PUBCOMP
    t.net.last().feed({ type: 7, id: 1 });
    t.net.last().fail();
    t.clock.advance(1000);
    t.connect();
    ok(
      t.net
        .last()
        .packets()
        .every((p) => p.type !== 6),
    );
  });

  it("refuses a publish larger than the whole outbox with a clear error, dropping nothing", () => {
    const t = setup({ outbox: 64 });
    t.conn.publish("d", text("kept"), { qos: 1 });
    throws(() => t.conn.publish("d", new Uint8Array(60), { qos: 1 }), {
      name: "RangeError",
      message: "a publish of 67 bytes cannot fit the outbox of 64 bytes (queue_bytes): not queued",
    });
    deepStrictEqual([t.conn.stats.queued, t.conn.stats.dropped], [1, 0]);
  });

  it("sends what waited in the socket's backlog unchanged after its outbox slot is reused", () => {
    const t = setup({ outbox: 64 });
    t.conn.start();
    t.connect();
    const s = t.net.last();
    s.finite = true;
    s.space = 0; // every write waits for onWritable
    for (const p of ["one", "two", "six"]) strictEqual(t.conn.publish("d", text(p)), "sent");
    strictEqual(t.conn.stats.queued, 0); // QoS 0 leaves the outbox when written: its slot is free
    s.writable(1000);
    deepStrictEqual(
      t.publishes().map((p) => str(p.payload)),
      ["one", "two", "six"],
    );
  });

  it("completes an acknowledgement split across reads as one read whole", () => {
    const t = setup();
    t.conn.start();
    t.connect();
    t.conn.publish("d", text("a"), { qos: 1 });
    t.conn.publish("d", text("b"), { qos: 2 });
    t.net.last().feed(Uint8Array.of(0x40, 2));
    t.net.last().feed(Uint8Array.of(0, 1, 0x50, 2, 0, 2));
    strictEqual(t.conn.stats.queued, 1);
    deepStrictEqual(t.net.last().packets().at(-1), { type: 6, id: 2 });
    t.net.last().feed(Uint8Array.of(0x70, 2, 0, 2));
    strictEqual(t.conn.stats.queued, 0);
  });

  it("delivers inbound QoS 1 with PUBACK and QoS 2 exactly once with PUBREC/PUBCOMP", () => {
    const t = setup();
    t.conn.start();
    t.connect();
    t.net.last().feed({ type: 3, topic: "cmd", payload: text("x"), qos: 1, retain: false, dup: false, id: 7 });
    const q2: Packet = { type: 3, topic: "cmd", payload: text("y"), qos: 2, retain: false, dup: false, id: 8 };
    t.net.last().feed(q2);
    t.net.last().feed({ ...q2, dup: true });
    t.net.last().feed({ type: 6, id: 8 });
    deepStrictEqual(t.got, ["cmd x q1", "cmd y q2"]);
    deepStrictEqual(t.net.last().packets().slice(1), [
      { type: 4, id: 7 },
      { type: 5, id: 8 },
      { type: 5, id: 8 },
      { type: 7, id: 8 },
    ]);
  });

  it("restores subscriptions on every connection and reports a SUBACK failure", () => {
    const t = setup();
    t.conn.subscribe("cmd/#", 1);
    t.conn.subscribe("cfg", 0);
    t.conn.start();
    t.connect();
    const sub = t.net.last().packets()[1];
    deepStrictEqual(sub, {
      type: 8,
      id: 1,
      subscriptions: [
        { topic: "cmd/#", qos: 1 },
        { topic: "cfg", qos: 0 },
      ],
    });
    t.net.last().feed({ type: 9, id: 1, granted: [1, 0x80] });
    ok(t.log.lines.includes('subscription to "cfg" refused by the broker (SUBACK 0x80)'));
    t.net.last().fail();
    t.clock.advance(1000);
    t.connect();
    strictEqual(t.net.last().packets()[1]!.type, 8);
  });

  const misbehaving: [string, Uint8Array | Packet, string][] = [
    [
      "malformed packet",
      Uint8Array.of(0x40, 3, 0, 1, 0),
      "protocol error from the broker: PUBACK remaining length 3 must be 2 (§3.4.1)",
    ],
    [
      "unexpected packet type",
      { type: 8, id: 1, subscriptions: [{ topic: "a", qos: 0 }] },
      "protocol error: unexpected SUBSCRIBE from the broker (a client never receives it)",
    ],
    [
      "absurd remaining length",
      Uint8Array.of(0xb0, 0xff, 0xff, 0xff, 0x7f),
      "protocol error from the broker: UNSUBACK of 268435460 bytes exceeds the maximum packet size 4096",
    ],
    [
      "reserved packet type",
      Uint8Array.of(0xf0, 0),
      "protocol error from the broker: reserved packet type 15 [MQTT-2.2.1]",
    ],
    [
      "PUBACK with identifier 0",
      Uint8Array.of(0x40, 2, 0, 0),
      "protocol error from the broker: PUBACK packet identifier must be non-zero [MQTT-2.3.1-1]",
    ],
    [
      "PUBACK with flags set",
      Uint8Array.of(0x42, 2, 0, 1),
      "protocol error from the broker: PUBACK fixed header flags 0x2 must be 0x0 [MQTT-2.2.2-1]",
    ],
    [
      "PINGRESP with a length",
      Uint8Array.of(0xd0, 2, 0, 1),
      "protocol error from the broker: PINGRESP remaining length 2 must be 0 (§3.13.1)",
    ],
    ["second CONNACK", Uint8Array.of(0x20, 2, 0, 0), "protocol error: a second CONNACK from the broker [MQTT-3.2.0-1]"],
  ];
  for (const [name, bytes, reason] of misbehaving) {
    it(`survives a ${name} with one readable line, then reconnects`, () => {
      const t = setup();
      t.conn.start();
      t.connect();
      t.conn.publish("d", text("kept"), { qos: 1 });
      t.net.last().feed(bytes);
      deepStrictEqual(t.reasons, [reason]);
      ok(!t.conn.connected);
      t.clock.advance(1000);
      t.connect();
      ok(t.conn.connected);
      deepStrictEqual(
        t.publishes().map((p) => [str(p.payload), p.dup]),
        [["kept", true]],
      );
    });
  }

  it("refuses an acknowledgement before CONNACK [MQTT-3.2.0-1]", () => {
    const t = setup();
    t.conn.start();
    t.net.last().open();
    t.net.last().feed(Uint8Array.of(0x40, 2, 0, 1));
    deepStrictEqual(t.reasons, ["protocol error: PUBACK before CONNACK [MQTT-3.2.0-1]"]);
  });

  it("turns every CONNACK refusal into a sentence", () => {
    const sentences: string[] = [];
    for (let code = 1; code <= 6; code++) {
      const t = setup();
      t.conn.start();
      t.net.last().open();
      t.net.last().feed({ type: 2, sessionPresent: false, returnCode: code });
      sentences.push(t.reasons[0]!);
    }
    deepStrictEqual(sentences, [
      "connection refused: unacceptable protocol version (CONNACK 1)",
      "connection refused: client identifier rejected (CONNACK 2)",
      "connection refused: server unavailable (CONNACK 3)",
      "connection refused: bad user name or password (CONNACK 4)",
      "connection refused: not authorized (CONNACK 5)",
      "connection refused: reserved return code (CONNACK 6)",
    ]);
  });

  it("gives up on a broker that never sends CONNACK", () => {
    const t = setup({ connectTimeout: 5000 });
    t.conn.start();
    t.net.last().open();
    t.clock.advance(5000);
    deepStrictEqual(t.reasons, ["no CONNACK within 5000 ms"]);
  });

  it("splits writes to the socket's free space and resumes on onWritable", () => {
    const t = setup();
    t.conn.start();
    t.connect();
    const s = t.net.last();
    s.finite = true;
    s.writable(10);
    const before = s.written.reduce((n, w) => n + w.length, 0);
    strictEqual(t.conn.publish("d", new Uint8Array(25), { qos: 1 }), "sent");
    strictEqual(s.written.reduce((n, w) => n + w.length, 0) - before, 10);
    strictEqual(s.space, 0);
    s.writable(10);
    s.writable(10);
    strictEqual(t.publishes().length, 0); // 30 of its 32 bytes written
    s.writable(10);
    strictEqual(t.publishes().length, 1);
    strictEqual(t.publishes()[0]!.payload.length, 25);
  });
});
