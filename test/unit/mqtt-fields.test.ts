// The codec's single writers and readers, byte by byte: Remaining Length (§2.2.3) written by
// writeLength and read by readLength at every boundary, the one PUBLISH writer (whole packet,
// head alone, into a ring at an offset), acknowledgements, and the client's decoder framing
// packets for the handlers while leaving server-bound packet bodies to the broker codec.
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { describe, it } from "node:test";
import { PacketDecoder, encode } from "../../host-sim/broker-codec/index.js";
import { Decoder, MqttProtocolError, parseAck, readLength } from "../../src/mqtt/decode.js";
import { encodeAck, encodePublish, packetSize, publishSize, writeLength, writePublish } from "../../src/mqtt/encode.js";
import { utf8Encode } from "../../src/mqtt/utf8.js";

const LENGTHS: [number, number[]][] = [
  [0, [0x00]],
  [127, [0x7f]],
  [128, [0x80, 0x01]],
  [16_383, [0xff, 0x7f]],
  [16_384, [0x80, 0x80, 0x01]],
  [2_097_151, [0xff, 0xff, 0x7f]],
  [2_097_152, [0x80, 0x80, 0x80, 0x01]],
  [268_435_455, [0xff, 0xff, 0xff, 0x7f]],
];

describe("Remaining Length [MQTT-2.2.3]", () => {
  for (const [n, bytes] of LENGTHS) {
    it(`${n} is ${bytes.length} byte(s), written and read back`, () => {
      const out = new Uint8Array(6);
      strictEqual(writeLength(out, 1, n), 1 + bytes.length);
      deepStrictEqual([...out.subarray(1, 1 + bytes.length)], bytes);
      strictEqual(readLength(out, 1, 1 + bytes.length), n * 4 + bytes.length - 1);
      strictEqual(packetSize(n, "X"), 1 + bytes.length + n);
      for (let end = 1; end < 1 + bytes.length; end++) strictEqual(readLength(out, 1, end), -1, `cut at ${end}`);
    });
  }

  it("refuses a fifth length byte and a length above 268,435,455", () => {
    throws(
      () => readLength(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x01), 0, 5),
      (e: unknown) =>
        e instanceof MqttProtocolError && e.message === "remaining length longer than four bytes [MQTT-2.2.3]",
    );
    throws(() => packetSize(268_435_456, "PUBLISH"), {
      message: "PUBLISH needs remaining length 268435456, above the 268435455 MQTT allows [MQTT-2.2.3]",
    });
  });
});

describe("the one PUBLISH writer (§3.3)", () => {
  const topic = utf8Encode("a/b");
  const payload = Uint8Array.of(1, 2, 3);

  it("writes QoS 1 with DUP, retain and a Packet Identifier", () => {
    deepStrictEqual(
      [...encodePublish(topic, payload, 1, true, true, 10)],
      [0x3b, 10, 0, 3, 0x61, 0x2f, 0x62, 0, 10, 1, 2, 3],
    );
  });

  it("clears DUP at QoS 0 [MQTT-3.3.1-2] and writes no identifier", () => {
    deepStrictEqual([...encodePublish(topic, payload, 0, false, true, 10)], [0x30, 8, 0, 3, 0x61, 0x2f, 0x62, 1, 2, 3]);
  });

  it("writes the head alone for a payload to follow, and into a buffer at an offset", () => {
    const out = new Uint8Array(20).fill(0xee);
    strictEqual(writePublish(out, 2, topic, undefined, 3, 0, true, false, 0), 9);
    deepStrictEqual([...out.subarray(0, 10)], [0xee, 0xee, 0x31, 8, 0, 3, 0x61, 0x2f, 0x62, 0xee]);
    strictEqual(writePublish(out, 2, topic, payload, 3, 0, true, false, 0), 12);
    deepStrictEqual([...out.subarray(2, 13)], [0x31, 8, 0, 3, 0x61, 0x2f, 0x62, 1, 2, 3, 0xee]);
  });

  it("sizes a packet across the one-byte length boundary", () => {
    strictEqual(publishSize(1, 124, 0), 129); // remaining 127: one length byte
    strictEqual(publishSize(1, 125, 0), 131); // remaining 128: two
    strictEqual(encodePublish(Uint8Array.of(0x74), new Uint8Array(125), 0, false, false, 0).length, 131);
  });

  it("agrees with encode() of the packet object", () => {
    deepStrictEqual(
      encodePublish(topic, payload, 2, false, false, 7),
      encode({ type: 3, topic: "a/b", payload, qos: 2, retain: false, dup: false, id: 7 }),
    );
  });
});

describe("acknowledgements", () => {
  it("writes PUBACK, PUBREC, PUBREL (flags 0010 [MQTT-3.6.1-1]) and PUBCOMP", () => {
    deepStrictEqual(
      [4, 5, 6, 7].map((t) => [...encodeAck(t, 0x1234)]),
      [
        [0x40, 2, 0x12, 0x34],
        [0x50, 2, 0x12, 0x34],
        [0x62, 2, 0x12, 0x34],
        [0x70, 2, 0x12, 0x34],
      ],
    );
  });
});

describe("the client's decoder", () => {
  it("frames packets split anywhere and hands each one's first byte to its handler", () => {
    const stream = Uint8Array.of(0x40, 2, 0, 1, 0xd0, 0, 0x70, 2, 1, 0);
    for (let at = 0; at <= stream.length; at++) {
      const d = new Decoder(64);
      const seen: number[] = [];
      for (const piece of [stream.subarray(0, at), stream.subarray(at)]) {
        d.push(piece);
        for (let first = d.next(); first >= 0; first = d.more ? d.next() : -1)
          seen.push(first, first >> 4 === 13 ? 0 : parseAck(d, first));
      }
      deepStrictEqual(seen, [0x40, 1, 0xd0, 0, 0x70, 256], `split at ${at}`);
    }
  });

  it("frames a server-bound packet without reading it (its handler refuses it); the broker codec reads it", () => {
    const subscribe = encode({ type: 8, id: 3, subscriptions: [{ topic: "a", qos: 1 }] });
    const d = new Decoder(64);
    d.push(subscribe);
    strictEqual(d.next(), 0x82);
    strictEqual(d.next(), -1);
    const b = new PacketDecoder(64);
    b.push(subscribe);
    deepStrictEqual(b.next(), { type: 8, id: 3, subscriptions: [{ topic: "a", qos: 1 }] });
  });

  it("names an acknowledgement's fault exactly", () => {
    const fault = (bytes: number[]) => {
      const d = new Decoder(64);
      d.push(Uint8Array.from(bytes));
      const first = d.next();
      return () => parseAck(d, first);
    };
    throws(fault([0x42, 2, 0, 1]), { message: "PUBACK fixed header flags 0x2 must be 0x0 [MQTT-2.2.2-1]" });
    throws(fault([0x60, 2, 0, 1]), { message: "PUBREL fixed header flags 0x0 must be 0x2 [MQTT-3.6.1-1]" });
    throws(fault([0x40, 3, 0, 1, 0]), { message: "PUBACK remaining length 3 must be 2 (§3.4.1)" });
    throws(fault([0x40, 2, 0, 0]), { message: "PUBACK packet identifier must be non-zero [MQTT-2.3.1-1]" });
  });
});
