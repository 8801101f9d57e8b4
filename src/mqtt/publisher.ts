// The outbound publish pipeline: drains the outbox in order through an in-flight window,
// manages Packet Identifiers and completes the QoS 1 (PUBACK) and QoS 2 (PUBREC → PUBREL →
// PUBCOMP) flows (§4.3). Across a reconnect, unacknowledged PUBLISH packets are resent in
// their original order with DUP set, and PUBREL for those already PUBREC'd
// [MQTT-4.4.0-1] [MQTT-3.3.1-1] [MQTT-4.6.0-1].
import { encode } from "./encode.js";
import { EntryState, type Outbox, type OutboxEntry } from "./outbox.js";

export class Publisher {
  readonly #outbox: Outbox;
  readonly #window: number;
  /** Packet Identifiers in use by publishes, subscribes and unsubscribes [MQTT-2.3.1-2]. */
  readonly inUse = new Map<number, OutboxEntry | undefined>();
  #nextId = 1;
  /** Sends bytes; false when the socket cannot take more now (stop draining). */
  #send: ((bytes: Uint8Array) => boolean) | undefined;

  constructor(outbox: Outbox, window: number) {
    if (!(window >= 1 && window <= 65535)) throw new RangeError(`in-flight window ${window} must be 1..65535`);
    this.#outbox = outbox;
    this.#window = window;
    outbox.onDrop = (entry) => {
      if (entry.id !== 0 && this.inUse.get(entry.id) === entry) this.inUse.delete(entry.id);
    };
  }

  /** Publishes waiting for an acknowledgement. */
  get inFlight(): number {
    let n = 0;
    for (const v of this.inUse.values()) if (v !== undefined) n++;
    return n;
  }

  /** A free Packet Identifier, reserved for `entry` (undefined for SUBSCRIBE/UNSUBSCRIBE). */
  allocate(entry: OutboxEntry | undefined): number {
    if (this.inUse.size >= 65535) throw new RangeError("all 65535 packet identifiers are in use");
    while (this.inUse.has(this.#nextId)) this.#nextId = (this.#nextId % 65535) + 1;
    const id = this.#nextId;
    this.#nextId = (id % 65535) + 1;
    this.inUse.set(id, entry);
    return id;
  }

  /** Connected: resend what was in flight (DUP), then drain. */
  online(send: (bytes: Uint8Array) => boolean): void {
    this.#send = send;
    for (let i = 0; i < this.#outbox.length; i++) {
      const e = this.#outbox.at(i)!;
      if (e.state === EntryState.RECEIVED && !send(encode({ type: 6, id: e.id }))) return;
    }
    this.pump();
  }

  /** Disconnected: everything sent but unacknowledged will be resent on the next connection. */
  offline(): void {
    this.#send = undefined;
    for (let i = 0; i < this.#outbox.length; i++) {
      const e = this.#outbox.at(i)!;
      if (e.state === EntryState.SENT) e.state = EntryState.QUEUED;
    }
    for (const [id, v] of this.inUse) if (v === undefined) this.inUse.delete(id);
  }

  /** Sends queued entries in order while the window and the socket allow. */
  pump(): void {
    const send = this.#send;
    if (send === undefined) return;
    let flying = this.inFlight;
    for (let i = 0; i < this.#outbox.length;) {
      const e = this.#outbox.at(i)!;
      if (e.state === EntryState.QUEUED) {
        if (e.qos === 0) {
          e.state = EntryState.SENT;
          this.#outbox.remove(e);
          if (!send(e.packet)) return;
          continue;
        }
        if (e.id === 0) {
          if (flying >= this.#window) return;
          e.id = this.allocate(e);
          e.packet[e.idOffset] = e.id >> 8;
          e.packet[e.idOffset + 1] = e.id & 0xff;
          flying++;
        } else {
          e.packet[0]! |= 0x08; // DUP on a resend [MQTT-3.3.1-1]
        }
        e.state = EntryState.SENT;
        if (!send(e.packet)) return;
      }
      i++;
    }
  }

  /** PUBACK (QoS 1) [MQTT-4.3.2-1]: the entry leaves the outbox. Unknown ids are ignored. */
  puback(id: number): void {
    const e = this.inUse.get(id);
    if (e === undefined || e.qos !== 1) return;
    this.inUse.delete(id);
    this.#outbox.remove(e);
    this.pump();
  }

  /** PUBREC (QoS 2): answer PUBREL; the entry stays until PUBCOMP [MQTT-4.3.3-1]. */
  pubrec(id: number): Uint8Array {
    const e = this.inUse.get(id);
    if (e !== undefined && e.qos === 2) e.state = EntryState.RECEIVED;
    return encode({ type: 6, id });
  }

  /** PUBCOMP (QoS 2): the entry leaves the outbox. */
  pubcomp(id: number): void {
    const e = this.inUse.get(id);
    if (e === undefined || e.qos !== 2) return;
    this.inUse.delete(id);
    this.#outbox.remove(e);
    this.pump();
  }

  /** SUBACK/UNSUBACK freed an identifier. */
  release(id: number): void {
    if (this.inUse.get(id) === undefined) this.inUse.delete(id);
  }
}
