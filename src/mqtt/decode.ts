// The pure, incremental MQTT 3.1.1 decoder for what a client receives. Bytes go in with push();
// next() frames one whole packet and returns its first byte, or -1 when more bytes are needed
// ("incomplete" is not an error); the decoder is then the Reader of that packet's fields. The
// parse functions below read one packet type each and throw MqttProtocolError when the bytes
// break a rule of the spec (the message cites the rule). Payloads are views into the pushed
// bytes: pushed chunks are never reused or modified.
import { MAX_REMAINING_LENGTH, PACKET_NAMES, type PublishPacket, type QoS, type SubackPacket } from "./packets.js";
import { OversizedPublish } from "./oversized.js";
import { utf8Decode } from "./utf8.js";

/** The peer broke the protocol; the connection must be closed [MQTT-4.8.0-1]. */
export class MqttProtocolError extends Error {
  override name = "MqttProtocolError";
}

export function fail(message: string): never {
  throw new MqttProtocolError(message);
}

/**
 * The one Remaining Length reader [MQTT-2.2.3]: the value whose first length byte is bytes[o],
 * returned as value × 4 + (length bytes − 1) (both fit an int32: read them with >> 2 and & 3),
 * or -1 when the field runs past `end`. Throws when it is longer than four bytes.
 */
export function readLength(bytes: Uint8Array, o: number, end: number): number {
  if (o >= end) return -1;
  let b = bytes[o]!;
  if (b < 128) return b * 4; // one length byte: every packet below 128 bytes
  let value = b & 0x7f;
  let scale = 128;
  for (let i = 1; i < 4; i++) {
    if (o + i >= end) return -1;
    b = bytes[o + i]!;
    value += (b & 0x7f) * scale;
    if (b < 128) return value * 4 + i;
    scale *= 128;
  }
  return fail("remaining length longer than four bytes [MQTT-2.2.3]");
}

/** Reads the fields of one complete packet, bytes[o, end). */
export class Reader {
  /** The packet's bytes and the cursor and end in them: all set before any field is read (by Decoder.next()). */
  declare bytes: Uint8Array;
  declare o: number;
  declare end: number;

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
  #topicBytes: Uint8Array | undefined;
  #topic = "";

  topic(): string {
    const n = this.u16("topic name length");
    if (this.o + n > this.end) fail("topic name runs past the end of the packet (§1.5.3)");
    const cached = this.#topicBytes;
    let same = cached !== undefined && cached.length === n;
    for (let i = 0; same && i < n; i++) same = cached![i] === this.bytes[this.o + i];
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

export function flagsMustBe(first: number, expected: number, rule: string): void {
  if ((first & 0x0f) !== expected) {
    fail(
      `${PACKET_NAMES[first >> 4]} fixed header flags 0x${(first & 0x0f).toString(16)} must be 0x${expected.toString(16)} ${rule}`,
    );
  }
}

/** CONNACK (§3.2): session present (bit 0) | return code << 1. */
export function parseConnack(r: Reader, first: number): number {
  if ((first & 0x0f) !== 0) flagsMustBe(first, 0, "[MQTT-2.2.2-1]");
  const o = r.o;
  if (r.end - o !== 2) fail(`CONNACK remaining length ${r.end - o} must be 2 [MQTT-3.2.1]`);
  const ack = r.bytes[o]!;
  const returnCode = r.bytes[o + 1]!;
  r.o = o + 2;
  if (ack & 0xfe) fail("CONNACK acknowledge flags bits 7-1 must be 0 [MQTT-3.2.2.1]");
  if (returnCode !== 0 && ack !== 0) fail("session present must be 0 with a non-zero return code [MQTT-3.2.2-4]");
  return ack | (returnCode << 1);
}

/** PUBLISH (§3.3). */
export function parsePublish(r: Reader, first: number): PublishPacket {
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

/** PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK (§3.4-§3.7, §3.11): the Packet Identifier. */
export function parseAck(r: Reader, first: number): number {
  const o = r.o;
  const id = (r.bytes[o]! << 8) | r.bytes[o + 1]!;
  // PUBREL has flags 0010 [MQTT-3.6.1-1]; the others 0000 [MQTT-2.2.2-1]. One test for the common case.
  if (r.end - o !== 2 || id === 0 || (first & 0x0f) !== (first >> 4 === 6 ? 2 : 0)) badAck(r, first);
  r.o = o + 2;
  return id;
}

/** Throws the error for an acknowledgement parseAck() refused. */
function badAck(r: Reader, first: number): never {
  const type = first >> 4;
  flagsMustBe(first, type === 6 ? 2 : 0, type === 6 ? "[MQTT-3.6.1-1]" : "[MQTT-2.2.2-1]");
  if (r.end - r.o !== 2) fail(`${PACKET_NAMES[type]} remaining length ${r.end - r.o} must be 2 (§3.${type}.1)`);
  return fail(`${PACKET_NAMES[type]} packet identifier must be non-zero [MQTT-2.3.1-1]`);
}

/** SUBACK (§3.9). */
export function parseSuback(r: Reader, first: number): SubackPacket {
  flagsMustBe(first, 0, "[MQTT-2.2.2-1]");
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

/** PINGREQ, PINGRESP, DISCONNECT (§3.12-§3.14): no variable header, no payload. */
export function parseEmpty(r: Reader, first: number): void {
  if ((first & 0x0f) !== 0) flagsMustBe(first, 0, "[MQTT-2.2.2-1]");
  if (r.end !== r.o) fail(`${PACKET_NAMES[first >> 4]} remaining length ${r.end - r.o} must be 0 (§3.${first >> 4}.1)`);
}

/**
 * Incremental framer: push() bytes as they arrive, then call next() until it returns -1. It is
 * the Reader of the packet next() framed (one object per connection, none per packet).
 */
export class Decoder extends Reader {
  /** Undefined until the first chunk (a module-level empty array could not be frozen by preload). */
  #buf: Uint8Array | undefined;
  #pos = 0;
  /** #buf.length (an accessor call on XS: read once a chunk). */
  #end = 0;
  readonly #max: number;
  /** An oversized PUBLISH streaming past (made when one comes). */
  #skip: OversizedPublish | undefined;
  /**
   * Set when the packet next() returned is an oversized PUBLISH (read as far as acknowledging
   * it needs): whoever handles that PUBLISH takes it and sets this back to undefined.
   */
  declare oversized: PublishPacket | undefined;
  /** False once next() has nothing more to frame until the next push() (a field: read per packet). */
  more = false;

  /** `maxPacketSize`: the largest whole packet accepted (bytes, header included). */
  constructor(maxPacketSize = 1 + 4 + MAX_REMAINING_LENGTH) {
    super();
    this.#max = maxPacketSize;
  }

  /** Bytes pushed but not yet returned as packets. */
  get buffered(): number {
    return this.#end - this.#pos;
  }

  push(chunk: Uint8Array): void {
    const left = this.#end - this.#pos;
    this.more = true;
    if (left === 0) {
      this.#buf = chunk;
      this.#end = chunk.length;
    } else {
      const joined = new Uint8Array(left + chunk.length);
      joined.set(this.#buf!.subarray(this.#pos), 0);
      joined.set(chunk, left);
      this.#buf = joined;
      this.#end = joined.length;
    }
    this.#pos = 0;
  }

  /**
   * Frames the next whole packet: returns its first byte (type and flags [MQTT-2.2.1]) with
   * itself (a Reader) over its variable header and payload, or -1 when more bytes are needed. Throws
   * MqttProtocolError on a reserved type or a packet above the maximum size (but a PUBLISH,
   * which streams past: `oversized` is then set).
   */
  next(): number {
    const start = this.#pos;
    const end = this.#end;
    if (this.#skip !== undefined) return this.#skipping();
    if (start >= end) {
      this.more = false;
      return -1;
    }
    const buf = this.#buf!;
    const first = buf[start]!;
    if (first < 0x10 || first >= 0xf0) fail(`reserved packet type ${first >> 4} [MQTT-2.2.1]`);
    const length = readLength(buf, start + 1, end);
    if (length < 0) {
      this.more = false;
      return -1;
    }
    const at = start + 2 + (length & 3);
    const stop = at + (length >> 2);
    if (stop - start > this.#max) return this.#oversized(first, at - start, stop - start);
    if (stop > end) {
      this.more = false;
      return -1;
    }
    this.more = stop < end;
    this.#pos = stop;
    this.bytes = buf;
    this.o = at;
    this.end = stop;
    return first;
  }

  /** Forgets buffered bytes (a new connection starts a new stream). */
  reset(): void {
    this.#buf = undefined;
    this.#pos = this.#end = 0;
    this.#skip = undefined;
    if (this.oversized !== undefined) this.oversized = undefined;
  }

  /** A packet above the maximum size: a PUBLISH streams past (oversized.ts); anything else is a violation. */
  #oversized(first: number, header: number, total: number): number {
    if (((first >> 1) & 3) === 3) fail("PUBLISH QoS 3 is not allowed [MQTT-3.3.1-4]");
    if (first >> 4 !== 3)
      fail(`${PACKET_NAMES[first >> 4]} of ${total} bytes exceeds the maximum packet size ${this.#max}`);
    this.#pos += header;
    this.#skip = new OversizedPublish(first, total, header);
    return this.#skipping();
  }

  #skipping(): number {
    const skip = this.#skip!;
    this.#pos = skip.consume(this.#buf!, this.#pos, this.#end);
    const done = skip.left === 0;
    if (done) this.#skip = undefined;
    if (skip.ready && !skip.returned) {
      skip.returned = true;
      const p = (this.oversized = skip.packet());
      this.more = true; // the rest of it, and what follows, on the next call
      return 0x30 | (p.qos << 1) | (p.retain ? 1 : 0) | (p.dup ? 8 : 0);
    }
    if (done) return this.next();
    this.more = false;
    return -1;
  }
}
