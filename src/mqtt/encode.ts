// The pure MQTT 3.1.1 encoder: packet object in, one Uint8Array out (exactly sized, one
// allocation). Caller misuse (a value the spec cannot carry) throws RangeError naming the value
// and the rule; nothing here touches a socket or a timer.
import { MAX_REMAINING_LENGTH, PACKET_NAMES, type Packet, type QoS, type Subscription } from "./packets.js";
import { utf8Length, utf8Write } from "./utf8.js";

/** Bytes the Remaining Length field takes for `n` (§2.2.3). */
export function lengthOfLength(n: number): number {
  return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}

/** Writes the fixed header; returns the offset of the variable header. */
function header(out: Uint8Array, first: number, remaining: number): number {
  out[0] = first;
  if (remaining < 128) { // one length byte: most packets a device sends
    out[1] = remaining;
    return 2;
  }
  let o = 1;
  let n = remaining;
  do {
    let digit = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) digit |= 0x80;
    out[o++] = digit;
  } while (n > 0);
  return o;
}

function alloc(remaining: number, what: string): Uint8Array {
  if (remaining > MAX_REMAINING_LENGTH) {
    throw new RangeError(`${what} needs remaining length ${remaining}, above the ${MAX_REMAINING_LENGTH} MQTT allows [MQTT-2.2.3]`);
  }
  return new Uint8Array(1 + lengthOfLength(remaining) + remaining);
}

function checkId(id: number, what: string): void {
  if (!Number.isInteger(id) || id < 1 || id > 0xffff) {
    throw new RangeError(`${what} packet identifier ${id} must be 1..65535 [MQTT-2.3.1-1]`);
  }
}

function checkQoS(qos: number, what: string): void {
  if (qos !== 0 && qos !== 1 && qos !== 2) throw new RangeError(`${what} QoS ${qos} must be 0, 1 or 2 [MQTT-3.3.1-4]`);
}

function stringLength(text: string, what: string): number {
  const n = utf8Length(text);
  if (n > 0xffff) throw new RangeError(`${what} is ${n} bytes of UTF-8, above the 65535 an MQTT string holds [MQTT-1.5.3]`);
  return n;
}

function writeString(text: string, n: number, out: Uint8Array, o: number): number {
  out[o] = n >> 8;
  out[o + 1] = n & 0xff;
  return utf8Write(text, out, o + 2);
}

function writeBytes(bytes: Uint8Array, out: Uint8Array, o: number): number {
  out[o] = bytes.length >> 8;
  out[o + 1] = bytes.length & 0xff;
  out.set(bytes, o + 2);
  return o + 2 + bytes.length;
}

/** Throws RangeError when `topic` cannot be a PUBLISH topic name [MQTT-3.3.2-2] [MQTT-4.7.3-1]. */
export function checkTopicName(topic: string): void {
  if (topic.length === 0) throw new RangeError("topic name must be at least one character [MQTT-4.7.3-1]");
  if (topic.includes("+") || topic.includes("#")) {
    throw new RangeError(`topic name "${topic}" must not contain wildcards + or # [MQTT-3.3.2-2]`);
  }
}

/**
 * PUBLISH from an already-encoded topic (the client caches topic bytes). At QoS 1/2 the Packet
 * Identifier sits at `publishIdOffset(topicBytes.length, payload.length)` so a queued packet
 * can be given its id (and DUP, bit 3 of byte 0) without re-encoding.
 */
export function encodePublishRaw(topic: Uint8Array, payload: Uint8Array, qos: QoS, retain: boolean, dup: boolean, id: number): Uint8Array {
  const remaining = 2 + topic.length + (qos > 0 ? 2 : 0) + payload.length;
  const out = alloc(remaining, "PUBLISH");
  // DUP must be 0 at QoS 0 [MQTT-3.3.1-2].
  let o = header(out, 0x30 | (qos > 0 && dup ? 8 : 0) | (qos << 1) | (retain ? 1 : 0), remaining);
  out[o] = topic.length >> 8;
  out[o + 1] = topic.length & 0xff;
  out.set(topic, o + 2);
  o += 2 + topic.length;
  if (qos > 0) {
    out[o] = id >> 8;
    out[o + 1] = id & 0xff;
    o += 2;
  }
  out.set(payload, o);
  return out;
}

/** Bytes of a PUBLISH with a topic and payload of these lengths at `qos` (checked against MQTT's limit). */
export function publishSize(topicLength: number, payloadLength: number, qos: QoS): number {
  const remaining = 2 + topicLength + (qos > 0 ? 2 : 0) + payloadLength;
  if (remaining < 128) return remaining + 2;
  if (remaining > MAX_REMAINING_LENGTH) {
    throw new RangeError(`PUBLISH needs remaining length ${remaining}, above the ${MAX_REMAINING_LENGTH} MQTT allows [MQTT-2.2.3]`);
  }
  return 1 + lengthOfLength(remaining) + remaining;
}

/**
 * Writes a PUBLISH (publishSize bytes) into `out` at `at`, DUP clear and, at
 * QoS 1/2, Packet Identifier 0: the store-and-forward ring gives it an identifier when it is
 * first sent and sets DUP in place on a resend.
 */
export function writePublish(out: Uint8Array, at: number, topic: Uint8Array, payload: Uint8Array, qos: QoS, retain: boolean): void {
  const t = topic.length; // an accessor call on XS: read once
  let n = 2 + t + (qos > 0 ? 2 : 0) + payload.length; // Remaining Length
  out[at] = 0x30 | (qos << 1) | (retain ? 1 : 0);
  let o = at + 1;
  while (n > 127) { // 7 bits a byte, least significant first (§2.2.3)
    out[o++] = (n & 127) | 0x80;
    n = (n - (n & 127)) / 128;
  }
  out[o] = n;
  out[o + 1] = t >> 8;
  out[o + 2] = t & 0xff;
  out.set(topic, o + 3);
  o += 3 + t;
  if (qos > 0) {
    out[o] = 0;
    out[o + 1] = 0;
    o += 2;
  }
  out.set(payload, o);
}

/**
 * The head of a QoS 0 PUBLISH (fixed header, topic length, topic) for a payload of
 * `payloadLength` bytes: the packet is this followed by the payload, so a client that keeps it
 * per topic can write the payload straight to the socket after it.
 */
export function encodePublishHead(topic: Uint8Array, payloadLength: number, retain: boolean): Uint8Array {
  const remaining = 2 + topic.length + payloadLength;
  if (remaining > MAX_REMAINING_LENGTH) {
    throw new RangeError(`PUBLISH needs remaining length ${remaining}, above the ${MAX_REMAINING_LENGTH} MQTT allows [MQTT-2.2.3]`);
  }
  const out = new Uint8Array(1 + lengthOfLength(remaining) + 2 + topic.length);
  const o = header(out, 0x30 | (retain ? 1 : 0), remaining);
  out[o] = topic.length >> 8;
  out[o + 1] = topic.length & 0xff;
  out.set(topic, o + 2);
  return out;
}

/** Offset of the Packet Identifier inside a QoS 1/2 PUBLISH made by encodePublishRaw. */
export function publishIdOffset(topicLength: number, payloadLength: number): number {
  const remaining = 2 + topicLength + 2 + payloadLength;
  return 1 + lengthOfLength(remaining) + 2 + topicLength;
}

function encodeSubscribe(id: number, subs: readonly Subscription[]): Uint8Array {
  if (subs.length === 0) throw new RangeError("SUBSCRIBE needs at least one topic filter [MQTT-3.8.3-3]");
  const lengths = subs.map((s) => stringLength(s.topic, "topic filter"));
  let remaining = 2;
  for (let i = 0; i < subs.length; i++) {
    checkQoS(subs[i]!.qos, "SUBSCRIBE");
    remaining += 2 + lengths[i]! + 1;
  }
  const out = alloc(remaining, "SUBSCRIBE");
  let o = header(out, 0x82, remaining); // flags 0010 [MQTT-3.8.1-1]
  out[o++] = id >> 8;
  out[o++] = id & 0xff;
  for (let i = 0; i < subs.length; i++) {
    o = writeString(subs[i]!.topic, lengths[i]!, out, o);
    out[o++] = subs[i]!.qos;
  }
  return out;
}

function encodeConnect(p: Extract<Packet, { type: 1 }>): Uint8Array {
  if (!Number.isInteger(p.keepalive) || p.keepalive < 0 || p.keepalive > 0xffff) {
    throw new RangeError(`keepalive ${p.keepalive} must be 0..65535 seconds [MQTT-3.1.2-10]`);
  }
  if (p.clientId.length === 0 && !p.clean) {
    throw new RangeError("an empty client id needs a clean session [MQTT-3.1.3-7]");
  }
  const idLen = stringLength(p.clientId, "client id");
  let remaining = 10 + 2 + idLen;
  let flags = p.clean ? 0x02 : 0;
  let willTopicLen = 0;
  if (p.will) {
    checkQoS(p.will.qos, "will");
    checkTopicName(p.will.topic);
    willTopicLen = stringLength(p.will.topic, "will topic");
    if (p.will.payload.length > 0xffff) throw new RangeError(`will message of ${p.will.payload.length} bytes exceeds 65535 [MQTT-3.1.3-10]`);
    remaining += 2 + willTopicLen + 2 + p.will.payload.length;
    flags |= 0x04 | (p.will.qos << 3) | (p.will.retain ? 0x20 : 0);
  }
  let userLen = 0;
  if (p.username !== undefined) {
    userLen = stringLength(p.username, "user name");
    remaining += 2 + userLen;
    flags |= 0x80;
  }
  if (p.password !== undefined) {
    // A password without a user name is not allowed [MQTT-3.1.2-22].
    if (p.username === undefined) throw new RangeError("a password needs a user name [MQTT-3.1.2-22]");
    if (p.password.length > 0xffff) throw new RangeError(`password of ${p.password.length} bytes exceeds 65535 [MQTT-3.1.3-11]`);
    remaining += 2 + p.password.length;
    flags |= 0x40;
  }
  const out = alloc(remaining, "CONNECT");
  let o = header(out, 0x10, remaining);
  // Protocol name "MQTT" and level 4 [MQTT-3.1.2-1] [MQTT-3.1.2-2].
  out.set([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, flags, p.keepalive >> 8, p.keepalive & 0xff], o);
  o = writeString(p.clientId, idLen, out, o + 10);
  if (p.will) {
    o = writeString(p.will.topic, willTopicLen, out, o);
    o = writeBytes(p.will.payload, out, o);
  }
  if (p.username !== undefined) o = writeString(p.username, userLen, out, o);
  if (p.password !== undefined) writeBytes(p.password, out, o);
  return out;
}

/** Encodes any MQTT 3.1.1 control packet. Throws RangeError on a value the spec cannot carry. */
export function encode(p: Packet): Uint8Array {
  switch (p.type) {
    case 1:
      return encodeConnect(p);
    case 2: {
      if (p.returnCode < 0 || p.returnCode > 255) throw new RangeError(`CONNACK return code ${p.returnCode} is not a byte`);
      return Uint8Array.of(0x20, 2, p.sessionPresent ? 1 : 0, p.returnCode);
    }
    case 3: {
      checkQoS(p.qos, "PUBLISH");
      checkTopicName(p.topic);
      if (p.qos > 0) checkId(p.id, "PUBLISH");
      const n = stringLength(p.topic, "topic name");
      const remaining = 2 + n + (p.qos > 0 ? 2 : 0) + p.payload.length;
      const out = alloc(remaining, "PUBLISH");
      // DUP must be 0 at QoS 0 [MQTT-3.3.1-2].
      let o = header(out, 0x30 | (p.qos > 0 && p.dup ? 8 : 0) | (p.qos << 1) | (p.retain ? 1 : 0), remaining);
      o = writeString(p.topic, n, out, o);
      if (p.qos > 0) {
        out[o++] = p.id >> 8;
        out[o++] = p.id & 0xff;
      }
      out.set(p.payload, o);
      return out;
    }
    case 4: case 5: case 6: case 7: case 11:
      checkId(p.id, PACKET_NAMES[p.type]!);
      // PUBREL carries flags 0010 [MQTT-3.6.1-1].
      return Uint8Array.of((p.type << 4) | (p.type === 6 ? 2 : 0), 2, p.id >> 8, p.id & 0xff);
    case 8:
      checkId(p.id, "SUBSCRIBE");
      return encodeSubscribe(p.id, p.subscriptions);
    case 9: {
      checkId(p.id, "SUBACK");
      const out = alloc(2 + p.granted.length, "SUBACK");
      const o = header(out, 0x90, 2 + p.granted.length);
      out[o] = p.id >> 8;
      out[o + 1] = p.id & 0xff;
      out.set(p.granted, o + 2);
      return out;
    }
    case 10: {
      checkId(p.id, "UNSUBSCRIBE");
      if (p.topics.length === 0) throw new RangeError("UNSUBSCRIBE needs at least one topic filter [MQTT-3.10.3-2]");
      const lengths = p.topics.map((t) => stringLength(t, "topic filter"));
      const remaining = lengths.reduce((sum, n) => sum + 2 + n, 2);
      const out = alloc(remaining, "UNSUBSCRIBE");
      let o = header(out, 0xa2, remaining); // flags 0010 [MQTT-3.10.1-1]
      out[o++] = p.id >> 8;
      out[o++] = p.id & 0xff;
      for (let i = 0; i < p.topics.length; i++) o = writeString(p.topics[i]!, lengths[i]!, out, o);
      return out;
    }
    case 12: case 13: case 14:
      return Uint8Array.of(p.type << 4, 0);
  }
}
