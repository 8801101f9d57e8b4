// Store-and-forward: a FIFO of encoded PUBLISH packets bounded in bytes. The connection sends
// from the head in order; a QoS 0 entry leaves when written to the socket, a QoS 1 entry when
// PUBACK arrives, a QoS 2 entry when PUBCOMP arrives. When a new entry does not fit, the oldest
// entries are dropped (and counted) until it does, so sampling never blocks while offline.
import type { QoS } from "./packets.js";

export const EntryState = Object.freeze({ QUEUED: 0, SENT: 1, RECEIVED: 2 } as const);

export interface OutboxEntry {
  /** The encoded PUBLISH; its Packet Identifier is written in place at `idOffset` when sent. */
  readonly packet: Uint8Array;
  readonly qos: QoS;
  /** Offset of the Packet Identifier in `packet` (QoS 1/2), else -1. */
  readonly idOffset: number;
  /** Packet Identifier once sent (kept across resends [MQTT-2.3.1-3]), else 0. */
  id: number;
  /** QUEUED (never sent or to resend), SENT (awaiting PUBACK/PUBREC), RECEIVED (PUBREC seen, PUBREL sent). */
  state: 0 | 1 | 2;
}

/** Per-entry bookkeeping counted against the byte budget (an object and a slot or two on XS). */
export const ENTRY_OVERHEAD = 32;

export class Outbox {
  readonly capacity: number;
  #entries: OutboxEntry[] = [];
  #head = 0;
  #bytes = 0;
  #dropped = 0;
  /** Entries held (queued or awaiting acknowledgement); a field, not a getter: it is read per publish. */
  length = 0;
  /** Told of each entry dropped to make room (the publisher forgets or keeps its packet id). */
  onDrop: { dropped(entry: OutboxEntry): void } | undefined;

  /** `capacity`: bytes of encoded packets (plus ENTRY_OVERHEAD each) the queue may hold. */
  constructor(capacity: number) {
    if (!(capacity > 0)) throw new RangeError(`outbox capacity ${capacity} must be a positive number of bytes`);
    this.capacity = capacity;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Entries dropped because the outbox was full, since it was made. */
  get dropped(): number {
    return this.#dropped;
  }

  /** The i-th entry from the head (0 = oldest). */
  at(i: number): OutboxEntry | undefined {
    return this.#entries[this.#head + i];
  }

  /** Appends a packet, first dropping the oldest entries while it does not fit (see `dropped`). */
  push(packet: Uint8Array, qos: QoS, idOffset: number): OutboxEntry {
    const size = packet.length + ENTRY_OVERHEAD;
    if (size > this.capacity) {
      throw new RangeError(`a publish of ${packet.length} bytes cannot fit the outbox of ${this.capacity} bytes (mqtt_queue_bytes)`);
    }
    while (this.#bytes + size > this.capacity) {
      const old = this.#shift();
      if (old === undefined) break;
      this.#dropped++;
      this.onDrop?.dropped(old);
    }
    const entry: OutboxEntry = { packet, qos, idOffset, id: 0, state: 0 };
    this.#entries.push(entry);
    this.length++;
    this.#bytes += size;
    return entry;
  }

  /** Removes `entry` (acknowledged, or QoS 0 written). Usually the head, so usually O(1). */
  remove(entry: OutboxEntry): void {
    if (this.#entries[this.#head] === entry) {
      this.#shift();
      return;
    }
    const i = this.#entries.indexOf(entry, this.#head);
    if (i < 0) return;
    this.#entries.splice(i, 1);
    this.length--;
    this.#bytes -= entry.packet.length + ENTRY_OVERHEAD;
  }

  /** Empties the queue (counting nothing as dropped). */
  clear(): void {
    this.#entries = [];
    this.#head = 0;
    this.#bytes = 0;
    this.length = 0;
  }

  #shift(): OutboxEntry | undefined {
    const entry = this.#entries[this.#head];
    if (entry === undefined) return undefined;
    this.#entries[this.#head] = undefined as unknown as OutboxEntry;
    this.#head++;
    this.length--;
    this.#bytes -= entry.packet.length + ENTRY_OVERHEAD;
    if (this.#head === this.#entries.length) {
      this.#entries = [];
      this.#head = 0;
    } else if (this.#head >= 32 && this.#head * 2 >= this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
    return entry;
  }
}

/** The warning for drops since `before`, at 1, 10, 100, ... drops: visible without flooding the log during a long outage. */
export function dropWarning(outbox: Outbox, before: number): string | undefined {
  const total = outbox.dropped;
  if (total === before) return undefined;
  if (String(total).replace(/^1(0*)$/, "") !== "" && total - before <= 1) return undefined;
  return `mqtt: outbox full (${outbox.capacity} bytes): dropped the oldest message, ${total} dropped so far`;
}
