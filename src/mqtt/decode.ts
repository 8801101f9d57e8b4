// The pure, incremental MQTT 3.1.1 decoder. Bytes go in with push(); next() returns one whole
// packet, or undefined when more bytes are needed ("incomplete" is not an error), or throws
// MqttProtocolError when the bytes break a rule of the spec (the message cites the rule).
// Payloads are views into the pushed bytes: pushed chunks are never reused or modified.
import { MAX_REMAINING_LENGTH, PACKET_NAMES, type Packet, type QoS } from "./packets.js";
import { OversizedPublish } from "./oversized.js";
import { utf8Decode } from "./utf8.js";

/** The peer broke the protocol; the connection must be closed [MQTT-4.8.0-1]. */
export class MqttProtocolError extends Error {
  override name = "MqttProtocolError";
}

function fail(message: string): never {
  throw new MqttProtocolError(message);
}

/**
 * Length of the whole packet starting at bytes[start], or -1 when the fixed header is not yet
 * complete. Throws on a reserved type, a Remaining Length longer than four bytes [MQTT-2.2.3]
 * or a packet larger than `max`.
 */
export function frameLength(bytes: Uint8Array, start: number, end: number, max: number): number {
  if (start >= end) return -1;
  const type = bytes[start]! >> 4;
  if (type === 0 || type === 15) fail(`reserved packet type ${type} [MQTT-2.2.1]`);
  let value = 0;
  let scale = 1;
  for (let i = 1; i <= 4; i++) {
    if (start + i >= end) return -1;
    const b = bytes[start + i]!;
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      const total = 1 + i + value;
      if (total > max) fail(`${PACKET_NAMES[type]} of ${total} bytes exceeds the maximum packet size ${max}`);
      return total;
    }
    scale *= 128;
  }
  return fail("remaining length longer than four bytes [MQTT-2.2.3]");
}

/** Parses one complete packet in bytes[start, end) (end from frameLength). */
class Reader {
  o = 0;
  end = 0;
  bytes: Uint8Array = new Uint8Array(0);

  u8(what: string): number {
    if (this.o >= this.end) fail(`${what} missing: packet too short for its remaining length (§2.2.3)`);
    return this.bytes[this.o++]!;
  }

  u16(what: string): number {
    if (this.o + 2 > this.end) fail(`${what} missing: packet too short for its remaining length (§2.2.3)`);
    const v = (this.bytes[this.o]! << 8) | this.bytes[this.o + 1]!;
    this.o += 2;
    return v;
  }

  id(what: string): number {
    const id = this.u16(`${what} packet identifier`);
    if (id === 0) fail(`${what} packet identifier must be non-zero [MQTT-2.3.1-1]`);
    return id;
  }

  binary(what: string): Uint8Array {
    const n = this.u16(`${what} length`);
    if (this.o + n > this.end) fail(`${what} runs past the end of the packet (§1.5.3)`);
    const v = this.bytes.subarray(this.o, this.o + n);
    this.o += n;
    return v;
  }

  string(what: string): string {
    const n = this.u16(`${what} length`);
    if (this.o + n > this.end) fail(`${what} runs past the end of the packet (§1.5.3)`);
    const s = utf8Decode(this.bytes, this.o, this.o + n);
    if (s === undefined) fail(`${what} is not valid MQTT UTF-8 [MQTT-1.5.3-1] [MQTT-1.5.3-2]`);
    this.o += n;
    return s;
  }

  /** The last PUBLISH topic: a device sees the same few topics again and again. */
  #topicBytes = new Uint8Array(0);
  #topic = "";

  topic(): string {
    const n = this.u16("topic name length");
    if (this.o + n > this.end) fail("topic name runs past the end of the packet (§1.5.3)");
    const cached = this.#topicBytes;
    let same = cached.length === n;
    for (let i = 0; same && i < n; i++) same = cached[i] === this.bytes[this.o + i];
    if (!same) {
      const s = utf8Decode(this.bytes, this.o, this.o + n);
      if (s === undefined) fail("topic name is not valid MQTT UTF-8 [MQTT-1.5.3-1] [MQTT-1.5.3-2]");
      this.#topicBytes = this.bytes.slice(this.o, this.o + n);
      this.#topic = s;
    }
    this.o += n;
    return this.#topic;
  }

  done(what: string): void {
    if (this.o !== this.end) fail(`${what} has ${this.end - this.o} unexpected trailing bytes (§2.2.3)`);
  }
}

function flagsMustBe(first: number, expected: number, rule: string): void {
  if ((first & 0x0f) !== expected) {
    fail(`${PACKET_NAMES[first >> 4]} fixed header flags 0x${(first & 0x0f).toString(16)} must be 0x${expected.toString(16)} ${rule}`);
  }
}

function parseConnect(r: Reader): Packet {
  const name = r.string("protocol name");
  if (name !== "MQTT") fail(`protocol name "${name}" is not "MQTT" [MQTT-3.1.2-1]`);
  const level = r.u8("protocol level");
  if (level !== 4) fail(`protocol level ${level} is not 4 [MQTT-3.1.2-2]`);
  const flags = r.u8("connect flags");
  if (flags & 1) fail("CONNECT reserved flag must be 0 [MQTT-3.1.2-3]");
  const willFlag = (flags & 0x04) !== 0;
  const willQoS = (flags >> 3) & 3;
  if (!willFlag && (willQoS !== 0 || (flags & 0x20) !== 0)) fail("will QoS and retain must be 0 without a will [MQTT-3.1.2-13] [MQTT-3.1.2-15]");
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

function parsePublish(r: Reader, first: number): Packet {
  const qos = (first >> 1) & 3;
  if (qos === 3) fail("PUBLISH QoS 3 is not allowed [MQTT-3.3.1-4]");
  const dup = (first & 8) !== 0;
  if (qos === 0 && dup) fail("PUBLISH DUP must be 0 at QoS 0 [MQTT-3.3.1-2]");
  const topic = r.topic();
  if (topic.length === 0) fail("topic name must not be empty [MQTT-4.7.3-1]");
  if (topic.includes("+") || topic.includes("#")) fail(`topic name "${topic}" contains a wildcard [MQTT-3.3.2-2]`);
  const id = qos > 0 ? r.id("PUBLISH") : 0;
  const payload = r.bytes.subarray(r.o, r.end);
  return { type: 3, topic, payload, qos: qos as QoS, retain: (first & 1) !== 0, dup, id };
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

function parseSuback(r: Reader): Packet {
  const id = r.id("SUBACK");
  const granted: number[] = [];
  while (r.o < r.end) {
    const code = r.u8("SUBACK return code");
    if (code > 2 && code !== 0x80) fail(`SUBACK return code 0x${code.toString(16)} is reserved [MQTT-3.9.3-2]`);
    granted.push(code);
  }
  if (granted.length === 0) fail("SUBACK without return codes [MQTT-3.9.3-1]");
  return { type: 9, id, granted };
}

function parseUnsubscribe(r: Reader): Packet {
  const id = r.id("UNSUBSCRIBE");
  const topics: string[] = [];
  while (r.o < r.end) topics.push(r.string("topic filter"));
  if (topics.length === 0) fail("UNSUBSCRIBE without topic filters [MQTT-3.10.3-2]");
  return { type: 10, id, topics };
}

/** Parses the complete packet bytes[start, start+length). Throws MqttProtocolError. */
function parsePacket(r: Reader, bytes: Uint8Array, start: number, length: number): Packet {
  const first = bytes[start]!;
  const type = first >> 4;
  let o = start + 1;
  while (bytes[o]! & 0x80) o++;
  r.bytes = bytes;
  r.o = o + 1;
  r.end = start + length;
  switch (type) {
    case 3:
      return parsePublish(r, first);
    case 1:
      flagsMustBe(first, 0, "[MQTT-2.2.2-1]");
      return parseConnect(r);
    case 2: {
      flagsMustBe(first, 0, "[MQTT-2.2.2-1]");
      if (r.end - r.o !== 2) fail(`CONNACK remaining length ${r.end - r.o} must be 2 [MQTT-3.2.1]`);
      const ack = r.u8("CONNACK flags");
      if (ack & 0xfe) fail("CONNACK acknowledge flags bits 7-1 must be 0 [MQTT-3.2.2.1]");
      const returnCode = r.u8("CONNACK return code");
      if (returnCode !== 0 && ack !== 0) fail("session present must be 0 with a non-zero return code [MQTT-3.2.2-4]");
      return { type: 2, sessionPresent: ack === 1, returnCode };
    }
    case 4: case 5: case 6: case 7: case 11: {
      // PUBREL has flags 0010 [MQTT-3.6.1-1]; the others 0000 [MQTT-2.2.2-1].
      flagsMustBe(first, type === 6 ? 2 : 0, type === 6 ? "[MQTT-3.6.1-1]" : "[MQTT-2.2.2-1]");
      if (r.end - r.o !== 2) fail(`${PACKET_NAMES[type]} remaining length ${r.end - r.o} must be 2 (§3.${type}.1)`);
      return { type, id: r.id(PACKET_NAMES[type]!) };
    }
    case 8:
      flagsMustBe(first, 2, "[MQTT-3.8.1-1]");
      return parseSubscribe(r);
    case 9:
      flagsMustBe(first, 0, "[MQTT-2.2.2-1]");
      return parseSuback(r);
    case 10:
      flagsMustBe(first, 2, "[MQTT-3.10.1-1]");
      return parseUnsubscribe(r);
    default: {
      const t = type as 12 | 13 | 14;
      flagsMustBe(first, 0, "[MQTT-2.2.2-1]");
      if (r.end !== r.o) fail(`${PACKET_NAMES[t]} remaining length ${r.end - r.o} must be 0 (§3.${t}.1)`);
      return { type: t };
    }
  }
}

/** Incremental decoder: push() bytes as they arrive, then call next() until it returns undefined. */
export class Decoder {
  #buf: Uint8Array = new Uint8Array(0);
  #pos = 0;
  readonly #reader = new Reader();
  readonly #max: number;
  /** An oversized PUBLISH streaming past (made when one comes). */
  #skip: OversizedPublish | undefined;

  /** `maxPacketSize`: the largest whole packet accepted (bytes, header included). */
  constructor(maxPacketSize = 1 + 4 + MAX_REMAINING_LENGTH) {
    this.#max = maxPacketSize;
  }

  /** Bytes pushed but not yet returned as packets. */
  get buffered(): number {
    return this.#buf.length - this.#pos;
  }

  /** No bytes held and no packet under way: the next chunk starts a packet. */
  get idle(): boolean {
    return this.#buf.length === this.#pos && this.#skip === undefined;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const left = this.#buf.length - this.#pos;
    if (left === 0) {
      this.#buf = chunk;
    } else {
      const joined = new Uint8Array(left + chunk.length);
      joined.set(this.#buf.subarray(this.#pos), 0);
      joined.set(chunk, left);
      this.#buf = joined;
    }
    this.#pos = 0;
  }

  /** The next whole packet; undefined when more bytes are needed. Throws MqttProtocolError. */
  next(): Packet | undefined {
    const skip = this.#skip;
    if (skip !== undefined) {
      this.#pos = skip.consume(this.#buf, this.#pos, this.#buf.length);
      const done = skip.left === 0;
      if (done) this.#skip = undefined;
      if (skip.ready && !skip.returned) {
        skip.returned = true;
        return skip.packet();
      }
      if (!done) return undefined;
    }
    const max = this.#max;
    const length = frameLength(this.#buf, this.#pos, this.#buf.length, MAX_REMAINING_LENGTH + 5);
    if (length > max) return this.#oversized(length);
    if (length < 0 || this.#pos + length > this.#buf.length) return undefined;
    const start = this.#pos;
    this.#pos += length;
    return parsePacket(this.#reader, this.#buf, start, length);
  }

  /** Forgets buffered bytes (a new connection starts a new stream). */
  reset(): void {
    this.#buf = new Uint8Array(0);
    this.#pos = 0;
    this.#skip = undefined;
  }

  /** A packet above the maximum size: a PUBLISH streams past (oversized.ts); anything else is a violation. */
  #oversized(length: number): Packet | undefined {
    const first = this.#buf[this.#pos]!;
    if (((first >> 1) & 3) === 3) fail("PUBLISH QoS 3 is not allowed [MQTT-3.3.1-4]");
    if (first >> 4 !== 3) fail(`${PACKET_NAMES[first >> 4]} of ${length} bytes exceeds the maximum packet size ${this.#max}`);
    let header = 2;
    while (this.#buf[this.#pos + header - 1]! & 0x80) header++;
    this.#pos += header;
    this.#skip = new OversizedPublish(first, length, header);
    return this.next();
  }
}
