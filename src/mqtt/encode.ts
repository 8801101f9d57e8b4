// The pure MQTT 3.1.1 encoder for the packets a client sends: one writer per field (Remaining
// Length, string, PUBLISH), each packet exactly sized in one allocation (or written into the
// caller's buffer). Caller misuse (a value the spec cannot carry) throws RangeError naming the
// value and the rule; nothing here touches a socket or a timer.
import { MAX_REMAINING_LENGTH, PACKET_NAMES, type ConnectPacket, type QoS, type Subscription } from "./packets.js";
import { utf8Encode, utf8Length, utf8Write } from "./utf8.js";

/**
 * Bytes of a whole packet whose Remaining Length is `remaining`: the first byte, one to four
 * length bytes [MQTT-2.2.3], then `remaining`. Throws RangeError above what four bytes carry.
 */
export function packetSize(remaining: number, what: string): number {
  if (remaining < 128) return remaining + 2;
  if (remaining > MAX_REMAINING_LENGTH) {
    throw new RangeError(
      `${what} needs remaining length ${remaining}, above the ${MAX_REMAINING_LENGTH} MQTT allows [MQTT-2.2.3]`,
    );
  }
  return remaining < 16_384 ? remaining + 3 : remaining < 2_097_152 ? remaining + 4 : remaining + 5;
}

/**
 * Writes the Remaining Length `n` at out[o] (7 bits a byte, least significant first [MQTT-2.2.3]); returns the offset
 * after it.
 */
export function writeLength(out: Uint8Array, o: number, n: number): number {
  while (n > 127) {
    out[o++] = (n & 127) | 0x80;
    n = (n - (n & 127)) / 128;
  }
  out[o] = n;
  return o + 1;
}

/** Bytes of a PUBLISH with a topic and payload of these lengths at `qos` (checked against MQTT's limit). */
export function publishSize(topicLength: number, payloadLength: number, qos: QoS): number {
  return packetSize(2 + topicLength + (qos > 0 ? 2 : 0) + payloadLength, "PUBLISH");
}

/**
 * The one PUBLISH writer (§3.3): fixed header, topic name from its UTF-8 bytes, Packet
 * Identifier at QoS 1/2, then the payload, at out[at]; `payload` undefined writes the head
 * alone (sized for `payloadLength` bytes to follow). Returns the offset after what it wrote.
 * `out` must hold publishSize() bytes from `at`.
 */
export function writePublish(
  out: Uint8Array,
  at: number,
  topic: Uint8Array,
  payload: Uint8Array | undefined,
  payloadLength: number,
  qos: QoS,
  retain: boolean,
  dup: boolean,
  id: number,
): number {
  const t = topic.length; // an accessor call on XS: read once
  // DUP must be 0 at QoS 0 [MQTT-3.3.1-2].
  out[at] = 0x30 | (qos > 0 && dup ? 8 : 0) | (qos << 1) | (retain ? 1 : 0);
  let o = writeLength(out, at + 1, 2 + t + (qos > 0 ? 2 : 0) + payloadLength);
  out[o] = t >> 8;
  out[o + 1] = t & 0xff;
  out.set(topic, o + 2);
  o += 2 + t;
  if (qos > 0) {
    out[o] = id >> 8;
    out[o + 1] = id & 0xff;
    o += 2;
  }
  if (payload === undefined) return o;
  out.set(payload, o);
  return o + payloadLength;
}

/** A PUBLISH from an already-encoded topic (callers cache topic bytes), in a new exactly sized array. */
export function encodePublish(
  topic: Uint8Array,
  payload: Uint8Array,
  qos: QoS,
  retain: boolean,
  dup: boolean,
  id: number,
): Uint8Array {
  const length = payload.length;
  const out = new Uint8Array(publishSize(topic.length, length, qos));
  writePublish(out, 0, topic, payload, length, qos, retain, dup, id);
  return out;
}

/** PUBACK, PUBREC, PUBREL or PUBCOMP (`type` 4..7) for `id`; PUBREL carries flags 0010 [MQTT-3.6.1-1]. */
export function encodeAck(type: number, id: number): Uint8Array {
  return Uint8Array.of((type << 4) | (type === 6 ? 2 : 0), 2, id >> 8, id & 0xff);
}

export function checkId(id: number, what: string): void {
  if (!Number.isInteger(id) || id < 1 || id > 0xffff) {
    throw new RangeError(`${what} packet identifier ${id} must be 1..65535 [MQTT-2.3.1-1]`);
  }
}

export function checkQoS(qos: number, what: string): void {
  if (qos !== 0 && qos !== 1 && qos !== 2) throw new RangeError(`${what} QoS ${qos} must be 0, 1 or 2 [MQTT-3.3.1-4]`);
}

/** UTF-8 bytes `text` takes; throws RangeError when it cannot be an MQTT string [MQTT-1.5.3]. */
export function stringLength(text: string, what: string): number {
  const n = utf8Length(text);
  if (n > 0xffff)
    throw new RangeError(`${what} is ${n} bytes of UTF-8, above the 65535 an MQTT string holds [MQTT-1.5.3]`);
  return n;
}

/** Writes an MQTT string (two length bytes, then UTF-8 [MQTT-1.5.3]) of `n` bytes; returns the offset after it. */
export function writeString(text: string, n: number, out: Uint8Array, o: number): number {
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
 * SUBSCRIBE (§3.8) or UNSUBSCRIBE (§3.10), flags 0010 [MQTT-3.8.1-1] [MQTT-3.10.1-1]: a Packet Identifier, then per
 * filter its string (and, SUBSCRIBE, requested QoS).
 */
function encodeFilters(
  first: number,
  id: number,
  topics: readonly string[],
  qos: readonly QoS[] | undefined,
): Uint8Array {
  const what = PACKET_NAMES[first >> 4]!;
  checkId(id, what);
  if (topics.length === 0)
    throw new RangeError(`${what} needs at least one topic filter ${qos ? "[MQTT-3.8.3-3]" : "[MQTT-3.10.3-2]"}`);
  const lengths: number[] = [];
  let remaining = 2;
  for (let i = 0; i < topics.length; i++) {
    if (qos) checkQoS(qos[i]!, what);
    lengths.push(stringLength(topics[i]!, "topic filter"));
    remaining += 2 + lengths[i]! + (qos ? 1 : 0);
  }
  const out = new Uint8Array(packetSize(remaining, what));
  out[0] = first;
  let o = writeLength(out, 1, remaining);
  out[o++] = id >> 8;
  out[o++] = id & 0xff;
  for (let i = 0; i < topics.length; i++) {
    o = writeString(topics[i]!, lengths[i]!, out, o);
    if (qos) out[o++] = qos[i]!;
  }
  return out;
}

/** SUBSCRIBE for `subscriptions` under Packet Identifier `id`. */
export function encodeSubscribe(id: number, subscriptions: readonly Subscription[]): Uint8Array {
  return encodeFilters(
    0x82,
    id,
    subscriptions.map((s) => s.topic),
    subscriptions.map((s) => s.qos),
  );
}

/** UNSUBSCRIBE for `topics` under Packet Identifier `id`. */
export function encodeUnsubscribe(id: number, topics: readonly string[]): Uint8Array {
  return encodeFilters(0xa2, id, topics, undefined);
}

/** UTF-8 bytes of an MQTT string field (converted natively: see utf8Encode), checked against 65535 [MQTT-1.5.3]. */
function stringBytes(text: string, what: string): Uint8Array {
  const bytes = utf8Encode(text);
  if (bytes.length > 0xffff)
    throw new RangeError(
      `${what} is ${bytes.length} bytes of UTF-8, above the 65535 an MQTT string holds [MQTT-1.5.3]`,
    );
  return bytes;
}

/** CONNECT (§3.1): the variable header, then client id, will, user name and password as present. */
export function encodeConnect(p: ConnectPacket): Uint8Array {
  const keepalive = p.keepalive;
  if (!Number.isInteger(keepalive) || keepalive < 0 || keepalive > 0xffff) {
    throw new RangeError(`keepalive ${keepalive} must be 0..65535 seconds [MQTT-3.1.2-10]`);
  }
  const clean = p.clean;
  if (p.clientId.length === 0 && !clean) {
    throw new RangeError("an empty client id needs a clean session [MQTT-3.1.3-7]");
  }
  const clientId = stringBytes(p.clientId, "client id");
  let remaining = 10 + 2 + clientId.length;
  let flags = clean ? 0x02 : 0;
  let willTopic: Uint8Array | undefined;
  const will = p.will;
  if (will !== undefined) {
    checkQoS(will.qos, "will");
    checkTopicName(will.topic);
    willTopic = stringBytes(will.topic, "will topic");
    if (will.payload.length > 0xffff)
      throw new RangeError(`will message of ${will.payload.length} bytes exceeds 65535 [MQTT-3.1.3-10]`);
    remaining += 2 + willTopic.length + 2 + will.payload.length;
    flags |= 0x04 | (will.qos << 3) | (will.retain ? 0x20 : 0);
  }
  let username: Uint8Array | undefined;
  if (p.username !== undefined) {
    username = stringBytes(p.username, "user name");
    remaining += 2 + username.length;
    flags |= 0x80;
  }
  const password = p.password;
  if (password !== undefined) {
    // A password without a user name is not allowed [MQTT-3.1.2-22].
    if (username === undefined) throw new RangeError("a password needs a user name [MQTT-3.1.2-22]");
    if (password.length > 0xffff)
      throw new RangeError(`password of ${password.length} bytes exceeds 65535 [MQTT-3.1.3-11]`);
    remaining += 2 + password.length;
    flags |= 0x40;
  }
  const out = new Uint8Array(packetSize(remaining, "CONNECT"));
  out[0] = 0x10;
  let o = writeLength(out, 1, remaining);
  // Protocol name "MQTT" and level 4 [MQTT-3.1.2-1] [MQTT-3.1.2-2]; out[o] is 0 already.
  out[o + 1] = 4;
  out[o + 2] = 0x4d;
  out[o + 3] = 0x51;
  out[o + 4] = 0x54;
  out[o + 5] = 0x54;
  out[o + 6] = 4;
  out[o + 7] = flags;
  out[o + 8] = keepalive >> 8;
  out[o + 9] = keepalive & 0xff;
  o = writeBytes(clientId, out, o + 10);
  if (will !== undefined) {
    o = writeBytes(willTopic!, out, o);
    o = writeBytes(will.payload, out, o);
  }
  if (username !== undefined) o = writeBytes(username, out, o);
  if (password !== undefined) writeBytes(password, out, o);
  return out;
}
