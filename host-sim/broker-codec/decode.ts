// The server side of the MQTT 3.1.1 decoder, for the simulator's brokers and the tests' fakes:
// CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ and DISCONNECT are read here (a device never
// receives them, so this never ships to it), every other type by the firmware's own parse
// functions (src/mqtt/decode.ts). PacketDecoder turns frames into Packet objects.
import {
  Decoder,
  fail,
  flagsMustBe,
  parseAck,
  parseConnack,
  parseEmpty,
  parsePublish,
  parseSuback,
  type Reader,
} from "../../src/mqtt/decode.js";
import type { Packet, QoS } from "../../src/mqtt/packets.js";

function parseConnect(r: Reader): Packet {
  const name = r.string("protocol name");
  if (name !== "MQTT") fail(`protocol name "${name}" is not "MQTT" [MQTT-3.1.2-1]`);
  const level = r.u8("protocol level");
  if (level !== 4) fail(`protocol level ${level} is not 4 [MQTT-3.1.2-2]`);
  const flags = r.u8("connect flags");
  if (flags & 1) fail("CONNECT reserved flag must be 0 [MQTT-3.1.2-3]");
  const willFlag = (flags & 0x04) !== 0;
  const willQoS = (flags >> 3) & 3;
  if (!willFlag && (willQoS !== 0 || (flags & 0x20) !== 0))
    fail("will QoS and retain must be 0 without a will [MQTT-3.1.2-13] [MQTT-3.1.2-15]");
  if (willQoS === 3) fail("will QoS 3 is not allowed [MQTT-3.1.2-14]");
  if ((flags & 0x80) === 0 && (flags & 0x40) !== 0) fail("password flag set without user name flag [MQTT-3.1.2-22]");
  const keepalive = r.u16("keepalive");
  const clientId = r.string("client id");
  const p: Packet = { type: 1, clientId, clean: (flags & 0x02) !== 0, keepalive };
  if (willFlag) {
    const topic = r.string("will topic");
    p.will = { topic, payload: r.binary("will message"), qos: willQoS as QoS, retain: (flags & 0x20) !== 0 };
  }
  if (flags & 0x80) p.username = r.string("user name");
  if (flags & 0x40) p.password = r.binary("password");
  r.done("CONNECT");
  return p;
}

function parseSubscribe(r: Reader): Packet {
  const id = r.id("SUBSCRIBE");
  const subscriptions: { topic: string; qos: QoS }[] = [];
  while (r.o < r.end) {
    const topic = r.string("topic filter");
    const q = r.u8("requested QoS");
    if (q > 2) fail(`SUBSCRIBE requested QoS byte 0x${q.toString(16)} is invalid [MQTT-3-8.3-4]`);
    subscriptions.push({ topic, qos: q as QoS });
  }
  if (subscriptions.length === 0) fail("SUBSCRIBE without topic filters [MQTT-3.8.3-3]");
  return { type: 8, id, subscriptions };
}

function parseUnsubscribe(r: Reader): Packet {
  const id = r.id("UNSUBSCRIBE");
  const topics: string[] = [];
  while (r.o < r.end) topics.push(r.string("topic filter"));
  if (topics.length === 0) fail("UNSUBSCRIBE without topic filters [MQTT-3.10.3-2]");
  return { type: 10, id, topics };
}

/** The packet framed by `decoder.next()` (its first byte `first`) as an object. Throws MqttProtocolError. */
function packetOf(decoder: Decoder, first: number): Packet {
  const r = decoder;
  const type = first >> 4;
  switch (type) {
    case 1:
      flagsMustBe(first, 0, "[MQTT-2.2.2-1]");
      return parseConnect(r);
    case 2: {
      const v = parseConnack(r, first);
      return { type: 2, sessionPresent: (v & 1) === 1, returnCode: v >> 1 };
    }
    case 3: {
      const p = decoder.oversized;
      decoder.oversized = undefined;
      return p ?? parsePublish(r, first);
    }
    case 4:
    case 5:
    case 6:
    case 7:
    case 11:
      return { type, id: parseAck(r, first) };
    case 8:
      flagsMustBe(first, 2, "[MQTT-3.8.1-1]");
      return parseSubscribe(r);
    case 9:
      return parseSuback(r, first);
    case 10:
      flagsMustBe(first, 2, "[MQTT-3.10.1-1]");
      return parseUnsubscribe(r);
    default:
      parseEmpty(r, first);
      return { type: type as 12 | 13 | 14 };
  }
}

/** Incremental decoder of every packet type: push() bytes as they arrive, then next() until undefined. */
export class PacketDecoder {
  readonly #decoder: Decoder;

  /** `maxPacketSize`: the largest whole packet accepted (bytes, header included). */
  constructor(maxPacketSize?: number) {
    this.#decoder = new Decoder(maxPacketSize);
  }

  /** Bytes pushed but not yet returned as packets. */
  get buffered(): number {
    return this.#decoder.buffered;
  }

  push(chunk: Uint8Array): void {
    this.#decoder.push(chunk);
  }

  /** The next whole packet; undefined when more bytes are needed. Throws MqttProtocolError. */
  next(): Packet | undefined {
    const first = this.#decoder.next();
    return first < 0 ? undefined : packetOf(this.#decoder, first);
  }

  reset(): void {
    this.#decoder.reset();
  }
}
