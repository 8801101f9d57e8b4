// MqttConnection against a scripted fake socket on virtual time.
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { describe, it } from "node:test";
import type { ConnectionOptions } from "../../src/mqtt/connection.js";
import { connectionRig, text } from "../helpers/mqtt-rig.js";

function setup(extra: Partial<ConnectionOptions> = {}) {
  const events: string[] = [];
  const { clock, net, log, conn } = connectionRig({
    random: () => 0.5,
    keepalive: 10,
    reconnectMin: 1000,
    reconnectMax: 8000,
    onConnect: (i) => events.push(`connect ${i.sessionPresent}`),
    onDisconnect: (r) => events.push(`disconnect ${r}`),
    ...extra,
  });
  /** Starts and completes the handshake. */
  const connect = (sessionPresent = false) => {
    net.last().open();
    net.last().feed({ type: 2, sessionPresent, returnCode: 0 });
  };
  return { clock, net, log, events, conn, connect };
}

describe("MqttConnection", () => {
  it("connects with CONNECT, then publishes QoS 0 straight to the socket", () => {
    const t = setup();
    t.conn.start();
    strictEqual(t.net.sockets.length, 1);
    strictEqual(t.net.last().options.address, "127.0.0.1");
    t.connect();
    ok(t.conn.connected);
    deepStrictEqual(t.events, ["connect false"]);
    strictEqual(t.conn.publish("sensor-data", text("[1]")), "sent");
    deepStrictEqual(t.net.last().packets(), [
      { type: 1, clientId: "lux-1", clean: true, keepalive: 10 },
      { type: 3, topic: "sensor-data", payload: text("[1]"), qos: 0, retain: false, dup: false, id: 0 },
    ]);
  });

  it("QoS 0 fast path: the cached head follows topic, payload length and retain, and the payload is not kept", () => {
    const t = setup({ maxPacketSize: 64 });
    t.conn.start();
    t.connect();
    const payload = text("[12]");
    strictEqual(t.conn.publish("a/b", payload), "sent");
    payload[1] = 0x39; // the caller reuses its buffer: what was sent must not change
    strictEqual(t.conn.publish("a/b", text("[123]"), { qos: 0, retain: true }), "sent");
    strictEqual(t.conn.publish("c", text("[123]")), "sent");
    strictEqual(t.conn.publish("a/b", text("[4]")), "sent");
    throws(() => t.conn.publish("a/b", new Uint8Array(60)), /above the maximum packet size 64/);
    deepStrictEqual(t.net.last().packets().slice(1), [
      { type: 3, topic: "a/b", payload: text("[12]"), qos: 0, retain: false, dup: false, id: 0 },
      { type: 3, topic: "a/b", payload: text("[123]"), qos: 0, retain: true, dup: false, id: 0 },
      { type: 3, topic: "c", payload: text("[123]"), qos: 0, retain: false, dup: false, id: 0 },
      { type: 3, topic: "a/b", payload: text("[4]"), qos: 0, retain: false, dup: false, id: 0 },
    ]);
  });

  it("QoS 0 with too little send space: the part that fits is written, the rest waits, order kept", () => {
    const t = setup();
    t.conn.start();
    t.connect();
    const socket = t.net.last();
    socket.finite = true;
    socket.writable(8); // less than one PUBLISH
    strictEqual(t.conn.publish("a/b", text("[1]")), "sent"); // 8 bytes written, the rest in the transport
    strictEqual(t.conn.publish("a/b", text("[2]")), "sent"); // queued behind it in the transport
    strictEqual(socket.written.length, 2); // CONNECT, then the first 8 bytes
    socket.writable(1 << 16);
    deepStrictEqual(
      socket
        .packets()
        .slice(1)
        .map((p) => (p.type === 3 ? [...p.payload] : p.type)),
      [[...text("[1]")], [...text("[2]")]],
    );
  });

  it("resolves a host name first, and fails readably when it cannot", () => {
    const names: string[] = [];
    const t = setup({
      host: "broker.local",
      resolve: (h, cb) => {
        names.push(h);
        cb(undefined);
      },
    });
    t.conn.start();
    deepStrictEqual(names, ["broker.local"]);
    strictEqual(t.net.sockets.length, 0);
    strictEqual(t.conn.stats.lastDisconnectReason, 'cannot resolve broker host "broker.local"');
  });

  it("sends PINGREQ with a margin before the keepalive interval, never later [MQTT-3.1.2-23]", () => {
    const t = setup();
    t.conn.start();
    t.connect();
    t.clock.advance(7_499);
    strictEqual(
      t.net
        .last()
        .packets()
        .filter((p) => p.type === 12).length,
      0,
    );
    t.clock.advance(1);
    strictEqual(
      t.net
        .last()
        .packets()
        .filter((p) => p.type === 12).length,
      1,
      "at 3/4 of the 10 s keepalive",
    );
    t.net.last().feed({ type: 13 });
    t.clock.advance(7_500);
    strictEqual(
      t.net
        .last()
        .packets()
        .filter((p) => p.type === 12).length,
      2,
    );
    ok(t.conn.connected);
  });

  it("detects a half-open connection within 1.5 x keepalive of the last packet", () => {
    const t = setup();
    t.conn.start();
    t.connect();
    const silentSince = t.clock.now();
    for (let i = 0; i < 30; i++) {
      t.conn.publish("a", text("x")); // outbound traffic alone must not hide a dead link
      t.clock.advance(500);
      if (!t.conn.connected) break;
    }
    ok(!t.conn.connected);
    ok(t.clock.now() - silentSince <= 15_000, `detected after ${t.clock.now() - silentSince} ms`);
    ok(t.conn.stats.lastDisconnectReason?.includes("connection presumed dead"));
  });

  it("a socket whose read() throws (it failed after announcing bytes) ends the connection readably, nothing escapes", () => {
    const t = setup();
    t.conn.start();
    t.connect();
    const s = t.net.last();
    s.read = () => {
      throw new Error("closed");
    };
    s.options.onReadable.call(s, 4);
    ok(!t.conn.connected);
    strictEqual(t.conn.stats.lastDisconnectReason, "connection lost: closed");
  });

  it("sends DISCONNECT on stop() and never reconnects", () => {
    const t = setup();
    t.conn.start();
    t.connect();
    t.conn.stop();
    deepStrictEqual(t.net.last().packets().at(-1), { type: 14 });
    ok(t.net.last().closed);
    t.clock.advance(600_000);
    strictEqual(t.net.sockets.length, 1);
  });

  it("retries a refused or failed connection with growing jittered backoff", () => {
    const t = setup({ random: () => 1 });
    t.conn.start();
    t.net.last().open();
    t.net.last().feed({ type: 2, sessionPresent: false, returnCode: 4 });
    strictEqual(t.conn.stats.lastDisconnectReason, "connection refused: bad user name or password (CONNACK 4)");
    const starts: number[] = [];
    let seen = 1;
    const t0 = t.clock.now();
    for (let i = 0; i < 60_000; i += 100) {
      t.clock.advance(100);
      if (t.net.sockets.length > seen) {
        seen = t.net.sockets.length;
        starts.push(t.clock.now() - t0);
        t.net.last().fail("connection refused");
      }
    }
    // random = 1 → the full cap: 1 s, 2 s, 4 s, 8 s, 8 s, ... after each failure.
    deepStrictEqual(starts.slice(0, 6), [1000, 3000, 7000, 15000, 23000, 31000]);
    ok(t.events.includes("disconnect cannot connect: connection refused"));
  });

  it("stops retrying while the network is down and connects at once when it returns", () => {
    const t = setup();
    t.conn.start();
    t.connect();
    t.conn.setNetwork(false);
    ok(t.net.last().closed);
    strictEqual(t.conn.state, "offline");
    t.clock.advance(120_000);
    strictEqual(t.net.sockets.length, 1);
    t.conn.setNetwork(true);
    strictEqual(t.net.sockets.length, 2);
  });

  it("throws a clear RangeError for an oversized publish", () => {
    const t = setup({ maxPacketSize: 100 });
    throws(() => t.conn.publish("a", new Uint8Array(200)), {
      name: "RangeError",
      message: 'publish to "a" is 206 bytes, above the maximum packet size 100 (mqtt_max_packet)',
    });
  });
});
