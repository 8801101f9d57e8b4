// Differential tests against mqtt-packet on seeded random packets, both directions, and a
// fuzz of 100,000 random and mutated inputs that must never crash, hang or mis-classify.
import { deepStrictEqual, ok } from "node:assert/strict";
import { describe, it } from "node:test";
import mqttPacket from "mqtt-packet";
import { PacketDecoder, MqttProtocolError, encode, type Packet } from "../../host-sim/broker-codec/index.js";
import { fromMqttPacket, prng, randomPacket, toMqttPacket } from "../helpers/mqtt-random.js";

function theirParse(bytes: Uint8Array): Packet[] {
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const out: Packet[] = [];
  parser.on("packet", ((p: Record<string, unknown>) => out.push(fromMqttPacket(p))) as never);
  parser.on("error", (e: Error) => {
    throw e;
  });
  parser.parse(Buffer.from(bytes));
  return out;
}

function ourParse(bytes: Uint8Array): Packet[] {
  const d = new PacketDecoder();
  d.push(bytes);
  const out: Packet[] = [];
  for (let p = d.next(); p; p = d.next()) out.push(p);
  return out;
}

describe("codec vs mqtt-packet", () => {
  it("ours encodes, theirs decodes: 3,000 random packets", () => {
    const r = prng(1);
    for (let i = 0; i < 3000; i++) {
      const p = randomPacket(r);
      deepStrictEqual(theirParse(encode(p)), [p], `packet ${i}: ${JSON.stringify(toMqttPacket(p))}`);
    }
  });

  it("theirs encodes, ours decodes: 3,000 random packets, byte-identical to our encoding", () => {
    const r = prng(2);
    for (let i = 0; i < 3000; i++) {
      const p = randomPacket(r);
      const theirs = new Uint8Array(mqttPacket.generate(toMqttPacket(p) as never));
      deepStrictEqual(ourParse(theirs), [p], `packet ${i}`);
      deepStrictEqual(encode(p), theirs, `packet ${i} bytes`);
    }
  });
});

describe("decoder fuzz", () => {
  it("100,000 random and mutated inputs: packets, incomplete, or an error citing a rule", () => {
    const r = prng(3);
    const seeds = Array.from({ length: 200 }, () => encode(randomPacket(r)));
    let errors = 0;
    let packets = 0;
    for (let i = 0; i < 100_000; i++) {
      let input: Uint8Array;
      if (i % 4 === 0) {
        input = Uint8Array.from({ length: 1 + Math.floor(r() * 40) }, () => Math.floor(r() * 256));
      } else {
        input = seeds[i % seeds.length]!.slice();
        const flips = 1 + Math.floor(r() * 3);
        for (let k = 0; k < flips; k++) input[Math.floor(r() * input.length)] = Math.floor(r() * 256);
        if (r() < 0.2) input = input.subarray(0, Math.floor(r() * input.length));
      }
      const d = new PacketDecoder(4096);
      d.push(input);
      try {
        for (let n = 0; d.next() !== undefined; n++) {
          packets++;
          ok(n < input.length, "more packets than bytes: a hang");
        }
      } catch (e) {
        ok(e instanceof MqttProtocolError, `input ${i} threw ${String(e)}`);
        ok(/(\[MQTT-[0-9.-]+\]|\(§[0-9.]+\))$|exceeds the maximum packet size \d+$/.test(e.message), e.message);
        errors++;
      }
    }
    ok(errors > 10_000 && packets > 10_000, `errors ${errors}, packets ${packets}`);
  });
});
