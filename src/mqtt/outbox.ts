// Store-and-forward: the encoded PUBLISH packets of pending messages, back to back in ONE byte
// ring of `capacity` bytes (made on first use and kept), so the queue's memory is its setting
// plus a few fields however many messages it holds. Each slot is one state byte (below) and the
// packet; the packet is its own index: its length is its Remaining Length (§2.2.3), its QoS is
// in byte 0 (§3.3.1), its Packet Identifier sits after the topic (§3.3.2), 0 until first sent.
// A packet is never split: one that does not fit before the end of the ring goes to its start.
// The connection sends from the oldest in order; a QoS 0 entry leaves when written, a QoS 1
// entry on PUBACK, a QoS 2 entry on PUBCOMP. When a new entry does not fit, the oldest entries
// are dropped (and counted) until it does, so sampling never blocks while offline.
import { writePublish } from "./encode.js";
import type { QoS } from "./packets.js";

/**
 * A slot's state byte: bits 0-1 the state — QUEUED (never sent, or to resend), SENT (awaiting
 * PUBACK/PUBREC), RECEIVED (PUBREC seen, PUBREL sent), GONE (a hole: removed, not yet passed
 * by the head) —, bits 2-3 the QoS, bit 4 set once the packet has its Packet Identifier.
 */
export const QUEUED = 0, SENT = 1, RECEIVED = 2, GONE = 3, HAS_ID = 16;

/** Ring bytes an entry takes besides its packet: its state byte. */
export const ENTRY_OVERHEAD = 1;

/** Bytes of the packet in slot `at`, from its Remaining Length (§2.2.3). */
function packetSize(buf: Uint8Array, at: number): number {
  let o = at + 2;
  let b = buf[o]!;
  if (b < 128) return b + 2;
  let n = b & 127;
  let scale = 128;
  do {
    b = buf[++o]!;
    n += (b & 127) * scale;
    scale *= 128;
  } while (b > 127);
  return n + o - at;
}

/** Offset of the Packet Identifier in slot `at` (QoS 1/2): after the fixed header and topic (§3.3.2). */
function idOffset(buf: Uint8Array, at: number): number {
  let o = at + 2;
  while (buf[o]! > 127) o++;
  return o + 3 + ((buf[o + 1]! << 8) | buf[o + 2]!);
}

export class Outbox {
  readonly capacity: number;
  /** The ring; undefined until the first entry. */
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
  onDrop: { dropped(at: number): void } | undefined;

  /** `capacity`: bytes of ring, each entry taking its packet plus ENTRY_OVERHEAD. */
  constructor(capacity: number) {
    if (!(capacity > 0) || !Number.isInteger(capacity)) throw new RangeError(`outbox capacity ${capacity} must be a positive whole number of bytes`);
    this.capacity = capacity;
  }

  /** Ring bytes held by entries (packets plus ENTRY_OVERHEAD each): counted when asked, not per publish. */
  get bytes(): number {
    let n = 0;
    for (let at = this.first(); at >= 0; at = this.next(at)) n += 1 + packetSize(this.#buf!, at);
    return n;
  }

  /** Entries dropped because the outbox was full, since it was made. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Appends a PUBLISH of `size` bytes (publishSize), first dropping the oldest entries until it
   * fits (see `dropped`); returns its slot. A packet the ring can never hold is a RangeError.
   */
  push(size: number, topic: Uint8Array, payload: Uint8Array, qos: QoS, retain: boolean): number {
    const need = size + ENTRY_OVERHEAD;
    const cap = this.capacity;
    if (need > cap) {
      throw new RangeError(`a publish of ${size} bytes cannot fit the outbox of ${cap} bytes (queue_bytes): not queued`);
    }
    const buf = (this.#buf ??= new Uint8Array(cap));
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
      } else if (head >= need) { // the rest of the ring is skipped until the head passes it
        this.#end = tail;
        this.#wrapped = true;
        break;
      }
      this.#dropped++;
      this.onDrop?.dropped(head);
      this.remove(head);
    }
    buf[at] = qos << 2;
    writePublish(buf, at + 1, topic, payload, qos, retain);
    this.#tail = at + need;
    this.#slots++;
    this.length++;
    return at;
  }

  /** The oldest entry's slot, or -1 when empty. */
  first(): number {
    return this.#slots === 0 ? -1 : this.#head;
  }

  /** The entry after slot `at`, or -1 after the newest. */
  next(at: number): number {
    const buf = this.#buf!;
    for (;;) {
      const b = buf[at + 2]!;
      at += b < 128 ? b + 3 : 1 + packetSize(buf, at);
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
    const b = buf[at + 2]!;
    if (id !== 0) {
      const o = b < 128 ? at + 5 + ((buf[at + 3]! << 8) | buf[at + 4]!) : idOffset(buf, at);
      buf[o] = id >> 8;
      buf[o + 1] = id & 0xff;
      buf[at] = (buf[at]! & ~3) | HAS_ID | SENT;
    } else {
      buf[at + 1]! |= 0x08;
      buf[at] = (buf[at]! & ~3) | SENT;
    }
    return buf.subarray(at + 1, at + 1 + (b < 128 ? b + 2 : packetSize(buf, at)));
  }

  /** The packet in slot `at` (a view into the ring). */
  packet(at: number): Uint8Array {
    const buf = this.#buf!;
    const b = buf[at + 2]!;
    return buf.subarray(at + 1, at + 1 + (b < 128 ? b + 2 : packetSize(buf, at)));
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
      if (--this.#slots === 0) { // empty: the next entry goes to the start
        this.#head = 0;
        this.#wrapped = false;
        return;
      }
      const b = buf[at + 2]!;
      at += b < 128 ? b + 3 : 1 + packetSize(buf, at);
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

/** The warning for drops since `before`, at 1, 10, 100, ... drops: visible without flooding the log during a long outage. */
export function dropWarning(outbox: Outbox, before: number): string | undefined {
  const total = outbox.dropped;
  if (total === before) return undefined;
  if (String(total).replace(/^1(0*)$/, "") !== "" && total - before <= 1) return undefined;
  return `mqtt: outbox full (${outbox.capacity} bytes): dropped the oldest message, ${total} dropped so far`;
}
