// The server side of the MQTT 3.1.1 encoder, for the simulator's brokers and the tests' fakes:
// CONNACK, SUBACK, UNSUBACK and PINGRESP (a device never sends them, so this never ships to
// it); every other type goes through the firmware's own encoder (src/mqtt/encode.ts).
import { checkId, encode as encodeClientPacket, packetSize, writeLength } from "../../src/mqtt/encode.js";
import type { Packet } from "../../src/mqtt/packets.js";

/** Encodes any MQTT 3.1.1 control packet. Throws RangeError on a value the spec cannot carry. */
export function encode(p: Packet): Uint8Array {
  switch (p.type) {
    case 2:
      if (p.returnCode < 0 || p.returnCode > 255)
        throw new RangeError(`CONNACK return code ${p.returnCode} is not a byte`);
      return Uint8Array.of(0x20, 2, p.sessionPresent ? 1 : 0, p.returnCode);
    case 9: {
      checkId(p.id, "SUBACK");
      const remaining = 2 + p.granted.length;
      const out = new Uint8Array(packetSize(remaining, "SUBACK"));
      out[0] = 0x90;
      const o = writeLength(out, 1, remaining);
      out[o] = p.id >> 8;
      out[o + 1] = p.id & 0xff;
      out.set(p.granted, o + 2);
      return out;
    }
    case 11:
      checkId(p.id, "UNSUBACK");
      return Uint8Array.of(0xb0, 2, p.id >> 8, p.id & 0xff);
    case 13:
      return Uint8Array.of(0xd0, 0);
    default:
      return encodeClientPacket(p);
  }
}
