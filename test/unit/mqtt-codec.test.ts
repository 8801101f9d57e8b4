// Codec byte vectors: decode (fed split at every offset), encode, round trip, exact errors.
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { describe, it } from "node:test";
import { PacketDecoder, MqttProtocolError, encode, type Packet } from "../../host-sim/broker-codec/index.js";
import { ERRORS, VECTORS } from "../vectors/mqtt-vectors.js";

/** Decodes `bytes` pushed in two pieces split at `at`; returns the packets. */
function decodeSplit(bytes: Uint8Array, at: number): Packet[] {
  const d = new PacketDecoder();
  const out: Packet[] = [];
  d.push(bytes.subarray(0, at));
  for (let p = d.next(); p; p = d.next()) out.push(p);
  d.push(bytes.subarray(at));
  for (let p = d.next(); p; p = d.next()) out.push(p);
  return out;
}

describe("MQTT codec byte vectors", () => {
  for (const v of VECTORS) {
    const bytes = Uint8Array.from(v.bytes);
    it(`encodes ${v.name}`, () => {
      deepStrictEqual(encode(v.packet), bytes);
    });
    it(`decodes ${v.name} split at every offset`, () => {
      // Every offset; for the megabyte-sized boundary vectors, every header offset and 32 more.
      const offsets =
        bytes.length < 20_000
          ? [...Array(bytes.length + 1).keys()]
          : [
              0,
              1,
              2,
              3,
              4,
              5,
              6,
              7,
              8,
              ...Array.from({ length: 32 }, (_, i) => Math.floor((bytes.length * (i + 1)) / 33)),
              bytes.length - 1,
              bytes.length,
            ];
      for (const at of offsets) deepStrictEqual(decodeSplit(bytes, at), [v.packet], `split at ${at}`);
    });
  }

  it("returns undefined (incomplete), not an error, for every proper prefix", () => {
    for (const v of VECTORS.slice(0, 18)) {
      for (let n = 0; n < v.bytes.length; n++) {
        const d = new PacketDecoder();
        d.push(Uint8Array.from(v.bytes.slice(0, n)));
        strictEqual(d.next(), undefined, `${v.name}, ${n} bytes`);
      }
    }
  });

  it("decodes several packets from one chunk", () => {
    const all = Uint8Array.from(VECTORS.slice(0, 18).flatMap((v) => v.bytes));
    deepStrictEqual(
      decodeSplit(all, 5),
      VECTORS.slice(0, 18).map((v) => v.packet),
    );
  });

  for (const e of ERRORS) {
    it(`rejects ${e.name}`, () => {
      const d = new PacketDecoder();
      d.push(Uint8Array.from(e.bytes));
      throws(
        () => d.next(),
        (err: unknown) => err instanceof MqttProtocolError && err.message === e.error,
      );
    });
  }

  it("rejects a packet above the maximum packet size from its header alone (but a PUBLISH: see oversized)", () => {
    const d = new PacketDecoder(100);
    d.push(Uint8Array.of(0x90, 0xff, 0x7f));
    throws(() => d.next(), { message: "SUBACK of 16386 bytes exceeds the maximum packet size 100" });
  });

  it("refuses to encode what the spec cannot carry", () => {
    throws(
      () => encode({ type: 3, topic: "a/#", payload: new Uint8Array(0), qos: 0, retain: false, dup: false, id: 0 }),
      /\[MQTT-3.3.2-2\]/,
    );
    throws(() => encode({ type: 4, id: 0 }), /\[MQTT-2.3.1-1\]/);
    throws(() => encode({ type: 1, clientId: "a\u0000", clean: true, keepalive: 0 }), /\[MQTT-1.5.3-2\]/);
    throws(() => encode({ type: 1, clientId: "\ud800", clean: true, keepalive: 0 }), /\[MQTT-1.5.3-1\]/);
    throws(() => encode({ type: 1, clientId: "", clean: false, keepalive: 0 }), /\[MQTT-3.1.3-7\]/);
    throws(() => encode({ type: 8, id: 1, subscriptions: [] }), /\[MQTT-3.8.3-3\]/);
  });
});
