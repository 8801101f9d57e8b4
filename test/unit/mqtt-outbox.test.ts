// The outbox's byte ring on its own: packets back to back in one Uint8Array of the configured
// size, wrap-around, drop-oldest across the wrap, entries in every state, DUP and identifiers
// set in place, exact byte accounting, and a packet the ring can never hold.
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { describe, it } from "node:test";
import { PacketDecoder, encodePublish, type PublishPacket, type QoS } from "../../host-sim/broker-codec/index.js";
import { publishSize } from "../../src/mqtt/encode.js";
import { ENTRY_OVERHEAD, GONE, HAS_ID, Outbox, QUEUED, RECEIVED, SENT } from "../../src/mqtt/outbox.js";
import { prng } from "../helpers/mqtt-random.js";

const text = (s: string): Uint8Array => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));
const str = (b: Uint8Array): string => String.fromCharCode(...b);
const TOPIC = text("d");

/** Pushes `payload` on topic "d"; returns its slot and its packet's size. */
function put(box: Outbox, payload: string | Uint8Array, qos: QoS = 1, retain = false): { at: number; size: number } {
  const bytes = typeof payload === "string" ? text(payload) : payload;
  const size = publishSize(TOPIC.length, bytes.length, qos);
  return { at: box.push(size, TOPIC, bytes, qos, retain), size };
}

function decode(bytes: Uint8Array): PublishPacket {
  const d = new PacketDecoder();
  d.push(bytes.slice());
  const p = d.next();
  strictEqual(d.buffered, 0, "exactly one packet");
  ok(p !== undefined && p.type === 3);
  return p;
}

/** Payloads from oldest to newest. */
function payloads(box: Outbox): string[] {
  const out: string[] = [];
  for (let at = box.first(); at >= 0; at = box.next(at)) {
    out.push(rawPayload(box.packet(at)));
  }
  return out;
}

/** The payload of an encoded PUBLISH on topic "d" without decoding (the identifier may still be 0). */
function rawPayload(packet: Uint8Array): string {
  let o = 1;
  while (packet[o]! > 127) o++;
  o += 1 + 2 + 1; // remaining length's last byte, topic length, "d"
  if ((packet[0]! & 6) !== 0) o += 2;
  return str(packet.subarray(o));
}

describe("Outbox ring", () => {
  it("holds packets byte for byte as the encoder makes them, and counts their bytes exactly", () => {
    const box = new Outbox(256);
    const a = put(box, "alpha", 0, true);
    const b = put(box, "beta", 1);
    const big = new Uint8Array(150).fill(7); // Remaining Length takes two bytes
    const c = put(box, big, 2);
    deepStrictEqual(box.packet(a.at), encodePublish(TOPIC, text("alpha"), 0, true, false, 0));
    deepStrictEqual(box.packet(b.at), encodePublish(TOPIC, text("beta"), 1, false, false, 0));
    deepStrictEqual(box.packet(c.at), encodePublish(TOPIC, big, 2, false, false, 0));
    strictEqual(box.length, 3);
    strictEqual(box.bytes, a.size + b.size + c.size + 3 * ENTRY_OVERHEAD);
    deepStrictEqual([a.at, b.at, c.at], [0, a.size + 1, a.size + b.size + 2]);
    deepStrictEqual(
      [a.at, b.at, c.at].map((at) => box.flags(at)),
      [0 << 2, 1 << 2, 2 << 2],
    ); // QUEUED, and the QoS
    box.remove(b.at);
    strictEqual(box.bytes, a.size + c.size + 2 * ENTRY_OVERHEAD);
    box.remove(a.at);
    box.remove(c.at);
    deepStrictEqual([box.length, box.bytes, box.first(), box.dropped], [0, 0, -1, 0]);
  });

  it("gives identifiers and sets DUP in place, in short and two-byte-length packets [MQTT-3.3.1-1]", () => {
    const box = new Outbox(512);
    const small = put(box, "x", 1).at;
    const large = put(box, new Uint8Array(300).fill(1), 2).at;
    strictEqual(box.id(small), 0);
    const p1 = decode(box.send(small, 0x1234));
    box.send(large, 65535);
    box.setState(large, QUEUED); // the connection was lost: to resend
    const p2 = decode(box.send(large, 0)); // the same packet, DUP set
    deepStrictEqual([box.flags(small), box.flags(large)], [HAS_ID | (1 << 2) | SENT, HAS_ID | (2 << 2) | SENT]);
    deepStrictEqual(decode(box.packet(small)), p1);
    deepStrictEqual([p1.id, p1.dup, p1.qos, str(p1.payload)], [0x1234, false, 1, "x"]);
    deepStrictEqual([p2.id, p2.dup, p2.qos, p2.payload.length], [65535, true, 2, 300]);
    deepStrictEqual([box.id(small), box.id(large)], [0x1234, 65535]);
  });

  it("wraps a packet that does not fit before the end to the start, never splitting it", () => {
    // Each slot: 1 state byte + 2 header + 3 topic + 2 id + 5 payload = 13 bytes; 4 fill 52 of 60.
    const box = new Outbox(60);
    const slots = ["aaaa0", "aaaa1", "aaaa2", "aaaa3"].map((p) => put(box, p).at);
    deepStrictEqual(slots, [0, 13, 26, 39]);
    box.remove(slots[0]!);
    box.remove(slots[1]!);
    const wrapped = put(box, "aaaa4").at;
    strictEqual(wrapped, 0); // 8 bytes left at the end: it goes to the start
    const next = put(box, "aaaa5").at;
    strictEqual(next, 13);
    deepStrictEqual(payloads(box), ["aaaa2", "aaaa3", "aaaa4", "aaaa5"]);
    strictEqual(box.dropped, 0);
    strictEqual(box.bytes, 4 * 13);
    // Emptying the upper part moves the head to the start.
    box.remove(slots[2]!);
    box.remove(slots[3]!);
    deepStrictEqual([box.first(), payloads(box)], [0, ["aaaa4", "aaaa5"]]);
    strictEqual(put(box, "aaaa6").at, 26);
  });

  it("drops the oldest across the wrap until the new packet fits, telling the publisher first", () => {
    const box = new Outbox(60);
    const told: string[] = [];
    box.onDrop = { dropped: (at) => told.push(`${rawPayload(box.packet(at))}:${box.flags(at) & 3}`) };
    for (let i = 0; i < 4; i++) put(box, `aaaa${i}`);
    box.setState(box.first(), SENT);
    put(box, "aaaa4"); // 8 bytes left at the end: drops aaaa0, then fits at the start
    deepStrictEqual(told, ["aaaa0:1"]);
    strictEqual(put(box, "aaaa5").at, 13); // drops aaaa1, then fits after aaaa4
    put(box, "aaaa6"); // drops aaaa2, then fits after aaaa5
    deepStrictEqual(told, ["aaaa0:1", "aaaa1:0", "aaaa2:0"]);
    put(box, "bbbbbbbbbbbbbbbbb"); // 25 bytes: drops aaaa3 (the head wraps to 0), then aaaa4 and aaaa5
    deepStrictEqual(told.slice(3), ["aaaa3:0", "aaaa4:0", "aaaa5:0"]);
    deepStrictEqual(payloads(box), ["aaaa6", "bbbbbbbbbbbbbbbbb"]);
    deepStrictEqual([box.dropped, box.length, box.bytes], [6, 2, 13 + 25]);
  });

  it("keeps entries in every state, skips holes and reclaims them when the head passes", () => {
    const box = new Outbox(100);
    const [q, s, r, h, last] = ["q", "s", "r", "h", "z"].map((p) => put(box, p, 2).at) as [
      number,
      number,
      number,
      number,
      number,
    ];
    box.setState(s, SENT);
    box.setState(r, RECEIVED);
    box.remove(h); // acknowledged out of order: a hole
    strictEqual(box.flags(h) & 3, GONE);
    deepStrictEqual(payloads(box), ["q", "s", "r", "z"]);
    deepStrictEqual(
      [q, s, r, last].map((at) => box.flags(at) & 3),
      [QUEUED, SENT, RECEIVED, QUEUED],
    );
    strictEqual(box.bytes, 4 * 9); // 8-byte packets + state byte
    box.remove(h); // twice: nothing
    strictEqual(box.length, 4);
    box.remove(q);
    box.remove(s);
    box.remove(r); // the head passes the hole too
    deepStrictEqual([box.first(), box.length, box.bytes], [last, 1, 9]);
  });

  it("refuses a packet the ring can never hold, changing nothing; one that exactly fits is kept", () => {
    const box = new Outbox(40);
    put(box, "keep");
    const before = [box.length, box.bytes, box.dropped];
    throws(() => put(box, new Uint8Array(40)), {
      name: "RangeError",
      message: "a publish of 47 bytes cannot fit the outbox of 40 bytes (queue_bytes): not queued",
    });
    deepStrictEqual([box.length, box.bytes, box.dropped], before);
    const whole = put(box, new Uint8Array(32)); // 1 + 39 = 40
    deepStrictEqual([whole.at, box.length, box.bytes, box.dropped], [0, 1, 40, 1]);
  });

  it("matches a list model over 20,000 random pushes, acknowledgements and drops", () => {
    const r = prng(4);
    const box = new Outbox(600);
    const model: { name: string; qos: QoS }[] = [];
    box.onDrop = { dropped: (at) => strictEqual(rawPayload(box.packet(at)), model.shift()?.name) };
    let seq = 0;
    for (let step = 0; step < 20_000; step++) {
      if (r() < 0.6) {
        const name = `${seq++}:`.padEnd(1 + Math.floor(r() * 150), "x"); // up to 2-byte Remaining Lengths;
        const qos = Math.floor(r() * 3) as QoS;
        put(box, name, qos);
        model.push({ name, qos });
      } else if (model.length > 0) {
        // Remove a random entry, mostly near the head (as acknowledgements come).
        const i = Math.min(model.length - 1, Math.floor(r() * r() * model.length));
        let at = box.first();
        for (let k = 0; k < i; k++) at = box.next(at);
        box.remove(at);
        model.splice(i, 1);
      }
      deepStrictEqual(
        payloads(box),
        model.map((m) => m.name),
        `step ${step}`,
      );
      const bytes = model.reduce((n, m) => n + publishSize(1, m.name.length, m.qos) + ENTRY_OVERHEAD, 0);
      strictEqual(box.bytes, bytes, `step ${step}`);
      ok(bytes <= 600 && box.length === model.length, `step ${step}`);
    }
    ok(box.dropped > 500, `dropped ${box.dropped}`);
  });
});
