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

/** QUEUED (never sent, or to resend), SENT (awaiting PUBACK/PUBREC), RECEIVED (PUBREC seen, PUBREL sent); GONE: a hole. */
export const EntryState = Object.freeze({ QUEUED: 0, SENT: 1, RECEIVED: 2, GONE: 3 } as const);

/** Ring bytes an entry takes besides its packet: its state byte. */
export const ENTRY_OVERHEAD = 1;

export class Outbox {
  readonly capacity: number;
  /** The ring; undefined until the first entry. */
  #buf: Uint8Array | undefined;
  /** Offset of the oldest slot, and where the next one goes. */
  #head = 0;
  #tail = 0;
  /** Slots between head and tail (holes included): 0 means empty when head === tail. */
  #slots = 0;
  /** Wrapped: slots lie in [head, end) then [0, tail); else in [head, tail). */
  #wrapped = false;
  #end = 0;
  #bytes = 0;
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

  /** Ring bytes held by entries (packets plus ENTRY_OVERHEAD each). */
  get bytes(): number {
    return this.#bytes;
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
    let at: number;
    for (;;) {
      if (this.#slots === 0) {
        at = 0;
        break;
      }
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
        at = 0;
        break;
      }
      this.#dropped++; // the head is never a hole (see #advance)
      this.onDrop?.dropped(head);
      this.#gone(head);
      this.#advance();
    }
    buf[at] = EntryState.QUEUED;
    writePublish(buf, at + 1, topic, payload, qos, retain);
    this.#tail = at + need;
    this.#slots++;
    this.length++;
    this.#bytes += need;
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
      at += 1 + this.size(at);
      if (at === this.#tail) return -1;
      if (this.#wrapped && at === this.#end) at = 0;
      if (buf[at] !== EntryState.GONE) return at;
    }
  }

  /** The slot of the entry holding Packet Identifier `id`, or -1. */
  find(id: number): number {
    for (let at = this.first(); at >= 0; at = this.next(at)) if (this.id(at) === id) return at;
    return -1;
  }

  state(at: number): number {
    return this.#buf![at]!;
  }

  setState(at: number, state: 0 | 1 | 2): void {
    this.#buf![at] = state;
  }

  qos(at: number): QoS {
    return ((this.#buf![at + 1]! >> 1) & 3) as QoS;
  }

  /** Bytes of the packet in slot `at`, from its Remaining Length (§2.2.3). */
  size(at: number): number {
    const buf = this.#buf!;
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

  /** The packet in slot `at` (a view into the ring: write or copy it before the next push). */
  packet(at: number): Uint8Array {
    return this.#buf!.subarray(at + 1, at + 1 + this.size(at));
  }

  /** The Packet Identifier of slot `at`: 0 at QoS 0 or before it is first sent. */
  id(at: number): number {
    const o = this.#idOffset(at);
    return o < 0 ? 0 : (this.#buf![o]! << 8) | this.#buf![o + 1]!;
  }

  /** Gives slot `at` (QoS 1/2) its Packet Identifier, in place. */
  setId(at: number, id: number): void {
    const o = this.#idOffset(at);
    this.#buf![o] = id >> 8;
    this.#buf![o + 1] = id & 0xff;
  }

  /** Sets DUP in place for a resend [MQTT-3.3.1-1]. */
  setDup(at: number): void {
    this.#buf![at + 1]! |= 0x08;
  }

  /** Removes the entry in slot `at` (acknowledged, or QoS 0 written); its bytes stay readable until the next push. */
  remove(at: number): void {
    const buf = this.#buf;
    if (buf === undefined || buf[at] === EntryState.GONE) return;
    this.#gone(at);
    if (at === this.#head) this.#advance();
  }

  /** Empties the queue (counting nothing as dropped); the ring is kept. */
  clear(): void {
    this.#head = this.#tail = this.#slots = this.#bytes = this.length = this.#end = 0;
    this.#wrapped = false;
  }

  #gone(at: number): void {
    this.#bytes -= 1 + this.size(at);
    this.length--;
    this.#buf![at] = EntryState.GONE;
  }

  /** The head slot (a hole now) leaves the ring, with the holes after it: the head stays a live entry. */
  #advance(): void {
    const buf = this.#buf!;
    do {
      const next = this.#head + 1 + this.size(this.#head);
      if (--this.#slots === 0) {
        this.clear();
        return;
      }
      if (this.#wrapped && next === this.#end) {
        this.#head = 0;
        this.#wrapped = false;
      } else {
        this.#head = next;
      }
    } while (buf[this.#head] === EntryState.GONE);
  }

  /** Offset of the Packet Identifier in slot `at`: after the fixed header and topic (§3.3.2); -1 at QoS 0. */
  #idOffset(at: number): number {
    const buf = this.#buf!;
    if ((buf[at + 1]! & 6) === 0) return -1;
    let o = at + 2;
    while (buf[o]! > 127) o++;
    return o + 3 + ((buf[o + 1]! << 8) | buf[o + 2]!);
  }
}

/** The warning for drops since `before`, at 1, 10, 100, ... drops: visible without flooding the log during a long outage. */
export function dropWarning(outbox: Outbox, before: number): string | undefined {
  const total = outbox.dropped;
  if (total === before) return undefined;
  if (String(total).replace(/^1(0*)$/, "") !== "" && total - before <= 1) return undefined;
  return `mqtt: outbox full (${outbox.capacity} bytes): dropped the oldest message, ${total} dropped so far`;
}
