// The server side of the MQTT 3.1.1 encoder, for the simulator's brokers and the tests' fakes:
// CONNACK, SUBACK, UNSUBACK and PINGRESP (a device never sends them, so this never ships to
// it); every other type is written by the firmware's own writers (src/mqtt/encode.ts).
import { utf8Encode } from "../../src/mqtt/utf8.js";
import {
  checkId,
  checkQoS,
  checkTopicName,
  encodeAck,
  encodeConnect,
  encodePublish,
  encodeSubscribe,
  encodeUnsubscribe,
  packetSize,
  stringLength,
  writeLength,
} from "../../src/mqtt/encode.js";
import { PACKET_NAMES, type Packet } from "../../src/mqtt/packets.js";

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

/**
 * Encodes a control packet a client sends (CONNECT, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP,
 * SUBSCRIBE, UNSUBSCRIBE, PINGREQ, DISCONNECT). Throws RangeError on a value the spec cannot
 * carry, or on a packet only a server sends.
 */
function encodeClientPacket(p: Packet): Uint8Array {
  switch (p.type) {
    case 1:
      return encodeConnect(p);
    case 3: {
      checkQoS(p.qos, "PUBLISH");
      checkTopicName(p.topic);
      if (p.qos > 0) checkId(p.id, "PUBLISH");
      stringLength(p.topic, "topic name");
      return encodePublish(utf8Encode(p.topic), p.payload, p.qos, p.retain, p.dup, p.id);
    }
    case 4:
    case 5:
    case 6:
    case 7:
      checkId(p.id, PACKET_NAMES[p.type]!);
      return encodeAck(p.type, p.id);
    case 8:
      return encodeSubscribe(p.id, p.subscriptions);
    case 10:
      return encodeUnsubscribe(p.id, p.topics);
    case 12:
    case 14:
      return Uint8Array.of(p.type << 4, 0);
    default:
      throw new RangeError(`${PACKET_NAMES[p.type]} is not a client packet (§3)`);
  }
}
