// Store-and-forward: pending messages back to back in ONE byte ring of `capacity` bytes (made
// on first use and kept), so the queue's memory is its setting plus a few fields however many
// messages it holds. A slot is one state byte (below) and then either an encoded PUBLISH or,
// for the readings, a short record the connection renders into a PUBLISH each time it sends it
// (Records: ~20 bytes a reading instead of the 100-250 of its packet). A packet is its own
// index: its length is its Remaining Length (§2.2.3), its QoS is in byte 0 (§3.3.1), its
// Packet Identifier sits after the topic (§3.3.2), 0 until first sent; a record slot holds
// its Packet Identifier in the two bytes after the state byte, then `records.size` bytes.
// A slot is never split: one that does not fit before the end of the ring goes to its start.
// The connection sends from the oldest in order; a QoS 0 entry leaves when written, a QoS 1
// entry on PUBACK, a QoS 2 entry on PUBCOMP. When a new entry does not fit, the oldest entries
// are dropped (and counted) until it does, so sampling never blocks while offline.
import { readLength } from "./decode.js";
import { writePublish } from "./encode.js";
import { utf8Decode } from "./utf8.js";
import type { QoS } from "./packets.js";

/** What the ring needs of the readings' records: their size, how to write one, how to render one. */
export interface Records<T> {
  /** Bytes of one record. */
  readonly size: number;
  /** Writes `item`'s record at out[at, at + size). */
  write(out: Uint8Array, at: number, item: T): void;
  /** The PUBLISH of the record at buf[at, at + size): the same bytes each time but for DUP [MQTT-3.3.1-1]. */
  render(buf: Uint8Array, at: number, qos: QoS, dup: boolean, id: number): Uint8Array;
  /** The topic its PUBLISH goes to (for error lines). */
  readonly topic: string;
}

/**
 * A slot's state byte: bits 0-1 the state — QUEUED (never sent, or to resend), SENT (awaiting
 * PUBACK/PUBREC), RECEIVED (PUBREC seen, PUBREL sent), GONE (a hole: removed, not yet passed
 * by the head) —, bits 2-3 the QoS, bit 4 set once the packet has its Packet Identifier, bit 5
 * set for a record slot.
 */
export const QUEUED = 0,
  SENT = 1,
  RECEIVED = 2,
  GONE = 3,
  HAS_ID = 16,
  RECORD = 32;

/** Ring bytes an entry takes besides its packet: its state byte. */
export const ENTRY_OVERHEAD = 1;

/** Bytes of the packet in slot `at`, from its Remaining Length (§2.2.3). */
function packetSize(buf: Uint8Array, at: number): number {
  const v = readLength(buf, at + 2, buf.length);
  return 2 + (v & 3) + (v >> 2);
}

/** Offset of the topic name's length in slot `at`: after the fixed header (§3.3.2). */
function topicOffset(buf: Uint8Array, at: number): number {
  return at + 3 + (readLength(buf, at + 2, buf.length) & 3);
}

/** Offset of the Packet Identifier in slot `at` (QoS 1/2): after the topic name (§3.3.2). */
function idOffset(buf: Uint8Array, at: number): number {
  const o = topicOffset(buf, at);
  return o + 2 + ((buf[o]! << 8) | buf[o + 1]!);
}

export class Outbox {
  readonly capacity: number;
  /** The ring; undefined until the first entry. */
  /** The largest PUBLISH of a packet slot the broker acknowledged, and whether it acknowledged a reading's record. */
  largestTaken = 0;
  recordTaken = false;
  #buf: Uint8Array | undefined;
  /** Offset of the oldest slot (never a hole), and where the next one goes. */
  #head = 0;
  #tail = 0;
  /** Slots between head and tail (holes included): 0 means empty when head === tail. */
  #slots = 0;
  /** Wrapped: slots lie in [head, end) then [0, tail); else in [head, tail). */
  #wrapped = false;
  #end = 0;
  #dropped = 0;
  /** Entries held (queued or awaiting acknowledgement); a field, not a getter: it is read per publish. */
  length = 0;
  /** Told of each entry dropped to make room, while its bytes are still readable. */
  declare onDrop: { dropped(at: number): void } | undefined;
  /** The readings' record format, set by the first pushRecord(). */
  declare records: Records<never> | undefined;
  /** Ring bytes of a record slot: state byte, Packet Identifier, record. */
  #recordSlot = 0;

  /** `capacity`: bytes of ring, each entry taking its packet plus ENTRY_OVERHEAD. */
  constructor(capacity: number) {
    if (!(capacity > 0) || !Number.isInteger(capacity))
      throw new RangeError(`outbox capacity ${capacity} must be a positive whole number of bytes`);
    this.capacity = capacity;
  }

  /** Ring bytes held by entries (packets plus ENTRY_OVERHEAD each): counted when asked, not per publish. */
  get bytes(): number {
    let n = 0;
    for (let at = this.first(); at >= 0; at = this.next(at)) n += this.#slotSize(this.#buf!, at);
    return n;
  }

  /** Entries dropped because the outbox was full, since it was made. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Appends a PUBLISH of `size` bytes (publishSize), first dropping the oldest entries until it
   * fits (see `dropped`); returns its slot. A packet the ring can never hold is a RangeError.
   * `id` non-zero writes it as the packet's Packet Identifier and marks the entry SENT: the
   * publisher sends it at once (see send()).
   */
  push(size: number, topic: Uint8Array, payload: Uint8Array, qos: QoS, retain: boolean, id = 0): number {
    if (size + ENTRY_OVERHEAD > this.capacity) {
      throw new RangeError(
        `a publish of ${size} bytes cannot fit the outbox of ${this.capacity} bytes (queue_bytes): not queued`,
      );
    }
    const at = this.#reserve(size + ENTRY_OVERHEAD);
    const buf = this.#buf!;
    buf[at] = id === 0 ? qos << 2 : (qos << 2) | HAS_ID | SENT;
    writePublish(buf, at + 1, topic, payload, payload.length, qos, retain, false, id);
    return at;
  }

  /** Appends `item` as a record (see Records), dropping the oldest entries until it fits; returns its slot. */
  pushRecord<T>(records: Records<T>, item: T, qos: QoS): number {
    if (this.records !== records) {
      if (this.records !== undefined) throw new RangeError("an outbox holds the records of one writer");
      this.records = records as Records<never>;
      this.#recordSlot = 3 + records.size;
      if (this.#recordSlot > this.capacity)
        throw new RangeError(`a record of ${records.size} bytes cannot fit the outbox of ${this.capacity} bytes`);
    }
    const at = this.#reserve(this.#recordSlot);
    const buf = this.#buf!;
    buf[at] = RECORD | (qos << 2);
    buf[at + 1] = 0;
    buf[at + 2] = 0;
    records.write(buf, at + 3, item);
    return at;
  }

  /** Finds room for a slot of `need` bytes at the tail, dropping the oldest entries until it fits. */
  #reserve(need: number): number {
    const cap = this.capacity;
    this.#buf ??= new Uint8Array(cap);
    let at = 0;
    while (this.#slots !== 0) {
      const tail = this.#tail;
      const head = this.#head;
      if (this.#wrapped) {
        if (head - tail >= need) {
          at = tail;
          break;
        }
      } else if (cap - tail >= need) {
        at = tail;
        break;
      } else if (head >= need) {
        // the rest of the ring is skipped until the head passes it
        this.#end = tail;
        this.#wrapped = true;
        break;
      }
      this.#dropped++;
      this.onDrop?.dropped(head);
      this.remove(head);
    }
    this.#tail = at + need;
    this.#slots++;
    this.length++;
    return at;
  }

  /** Ring bytes of the slot at `at` (state byte included). */
  #slotSize(buf: Uint8Array, at: number): number {
    if ((buf[at]! & RECORD) !== 0) return this.#recordSlot;
    return 1 + packetSize(buf, at);
  }

  /** The PUBLISH size of a packet slot, or -1 for a record slot (its packet is rendered when sent). */
  packetBytes(at: number): number {
    const buf = this.#buf!;
    return (buf[at]! & RECORD) !== 0 ? -1 : packetSize(buf, at);
  }

  /** Removes slot `at`, acknowledged by the broker, noting what the broker took (largestTaken, recordTaken). */
  acknowledged(at: number): void {
    const buf = this.#buf!;
    if ((buf[at]! & RECORD) !== 0) this.recordTaken = true;
    else {
      const b = buf[at + 2]!; // one Remaining Length byte below 128 (§2.2.3)
      const size = b < 128 ? b + 2 : packetSize(buf, at);
      if (size > this.largestTaken) this.largestTaken = size;
    }
    this.remove(at);
  }

  /** The oldest entry's slot, or -1 when empty. */
  first(): number {
    return this.#slots === 0 ? -1 : this.#head;
  }

  /** The entry after slot `at`, or -1 after the newest. */
  next(at: number): number {
    const buf = this.#buf!;
    for (;;) {
      at += this.#slotSize(buf, at);
      if (at === this.#tail) return -1;
      if (this.#wrapped && at === this.#end) at = 0;
      if ((buf[at]! & 3) !== GONE) return at;
    }
  }

  /** The state byte of slot `at` (state, QoS, HAS_ID: see above); GONE once removed, until the slot is reused. */
  flags(at: number): number {
    return this.#buf![at]!;
  }

  /** Sets the state bits of slot `at` (QUEUED, SENT or RECEIVED). */
  setState(at: number, state: 0 | 1 | 2): void {
    const buf = this.#buf!;
    buf[at] = (buf[at]! & ~3) | state;
  }

  /** The Packet Identifier of slot `at`: 0 at QoS 0 or before it is first sent. */
  id(at: number): number {
    const buf = this.#buf!;
    if ((buf[at]! & HAS_ID) === 0) return 0;
    if ((buf[at]! & RECORD) !== 0) return (buf[at + 1]! << 8) | buf[at + 2]!;
    const o = idOffset(buf, at);
    return (buf[o]! << 8) | buf[o + 1]!;
  }

  /**
   * Marks slot `at` SENT and returns its packet (a view into the ring: send or copy it before the
   * next push). `id` non-zero gives it that Packet Identifier, in place; 0 means a resend, so
   * DUP is set in place [MQTT-3.3.1-1].
   */
  send(at: number, id: number): Uint8Array {
    const buf = this.#buf!;
    const flags = buf[at]!;
    if ((flags & RECORD) !== 0) {
      if (id !== 0) {
        buf[at + 1] = id >> 8;
        buf[at + 2] = id & 0xff;
      }
      buf[at] = (flags & ~3) | HAS_ID | SENT;
      const qos = ((flags >> 2) & 3) as QoS;
      return this.records!.render(buf, at + 3, qos, id === 0, (buf[at + 1]! << 8) | buf[at + 2]!);
    }
    const v = readLength(buf, at + 2, buf.length); // one read for the identifier's offset and the packet's size
    if (id !== 0) {
      const o = at + 3 + (v & 3); // the topic name's length (§3.3.2)
      const i = o + 2 + ((buf[o]! << 8) | buf[o + 1]!);
      buf[i] = id >> 8;
      buf[i + 1] = id & 0xff;
      buf[at] = (flags & ~3) | HAS_ID | SENT;
    } else {
      buf[at + 1]! |= 0x08;
      buf[at] = (flags & ~3) | SENT;
    }
    return buf.subarray(at + 1, at + 3 + (v & 3) + (v >> 2));
  }

  /** The `size` bytes of the packet just pushed in slot `at` (a view into the ring, as send() gives). */
  view(at: number, size: number): Uint8Array {
    return this.#buf!.subarray(at + 1, at + 1 + size);
  }

  /** The packet in slot `at` (a view into the ring, or a record rendered: QoS 0, no DUP). */
  packet(at: number): Uint8Array {
    const buf = this.#buf!;
    const flags = buf[at]!;
    if ((flags & RECORD) !== 0)
      return this.records!.render(buf, at + 3, ((flags >> 2) & 3) as QoS, false, (buf[at + 1]! << 8) | buf[at + 2]!);
    return buf.subarray(at + 1, at + 1 + packetSize(buf, at));
  }

  /**
   * Starts slot `at` over as never sent: no Packet Identifier, DUP clear, QUEUED, and `qos`
   * (a new session [MQTT-3.1.2-6], or a broker that takes QoS 1 only). A packet keeps its
   * length: the identifier field stays, zeroed, at QoS 1/2.
   */
  restart(at: number, qos: QoS): void {
    const buf = this.#buf!;
    const flags = buf[at]!;
    buf[at] = (flags & RECORD) | (qos << 2);
    if ((flags & RECORD) !== 0) return;
    buf[at + 1] = (buf[at + 1]! & ~0x0e) | (qos << 1);
    if ((flags & HAS_ID) === 0) return;
    const o = idOffset(buf, at);
    buf[o] = 0;
    buf[o + 1] = 0;
  }

  /** The topic the entry in slot `at` goes to. */
  topic(at: number): string {
    const buf = this.#buf!;
    if ((buf[at]! & RECORD) !== 0) return this.records!.topic;
    const o = topicOffset(buf, at);
    return utf8Decode(buf, o + 2, o + 2 + ((buf[o]! << 8) | buf[o + 1]!)) ?? "?";
  }

  /** Removes the entry in slot `at` (acknowledged, or QoS 0 written); its bytes stay readable until the next push. */
  remove(at: number): void {
    const buf = this.#buf;
    if (buf === undefined || (buf[at]! & 3) === GONE) return;
    buf[at] = buf[at]! | GONE;
    this.length--;
    if (at !== this.#head) return;
    // The head leaves the ring, with the holes after it: the head stays a live entry.
    for (;;) {
      if (--this.#slots === 0) {
        // empty: the next entry goes to the start
        this.#head = 0;
        this.#wrapped = false;
        return;
      }
      at += this.#slotSize(buf, at);
      if (this.#wrapped && at === this.#end) {
        at = 0;
        this.#wrapped = false;
      }
      this.#head = at;
      if ((buf[at]! & 3) !== GONE) return;
    }
  }

  /** Empties the queue (counting nothing as dropped); the ring is kept. */
  clear(): void {
    this.#head = this.#tail = this.#slots = this.length = this.#end = 0;
    this.#wrapped = false;
  }
}

/**
 * The warning for drops since `before`, at 1, 10, 100, ... drops: visible without flooding the log during a long
 * outage.
 */
export function dropWarning(outbox: Outbox, before: number): string | undefined {
  const total = outbox.dropped;
  if (total === before) return undefined;
  if (String(total).replace(/^1(0*)$/, "") !== "" && total - before <= 1) return undefined;
  return `mqtt: outbox full (${outbox.capacity} bytes): dropped the oldest message, ${total} dropped so far`;
}
