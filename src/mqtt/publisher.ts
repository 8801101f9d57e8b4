// The outbound publish pipeline: drains the outbox in order through an in-flight window,
// manages Packet Identifiers and completes the QoS 1 (PUBACK) and QoS 2 (PUBREC → PUBREL →
// PUBCOMP) flows (§4.3). Across a reconnect, unacknowledged PUBLISH packets are resent in
// their original order with DUP set, and PUBREL for those already PUBREC'd
// [MQTT-4.4.0-1] [MQTT-3.3.1-1] [MQTT-4.6.0-1].
import type { Logger } from "../platform.js";
import type { PublishStatus } from "./options.js";
import { EntryState, dropWarning, type Outbox, type OutboxEntry } from "./outbox.js";
import type { QoS } from "./packets.js";

/** PUBREL for `id`: flags 0010 [MQTT-3.6.1-1]. */
export function pubrel(id: number): Uint8Array {
  return Uint8Array.of(0x62, 2, id >> 8, id & 0xff);
}

export class Publisher {
  readonly #outbox: Outbox;
  readonly #window: number;
  /** Packet Identifiers in use by publishes, subscribes and unsubscribes [MQTT-2.3.1-2]. */
  readonly inUse = new Map<number, OutboxEntry | undefined>();
  /** Publishes holding an identifier (awaiting PUBACK, PUBREC or PUBCOMP): kept, not counted per pump. */
  inFlight = 0;
  /**
   * QoS 2 identifiers whose entry the full outbox dropped after PUBREC: the broker still waits
   * for PUBREL, so the identifier stays reserved and PUBREL is resent after a reconnect until
   * PUBCOMP [MQTT-4.3.3-1] [MQTT-4.4.0-1]. Made on first need.
   */
  #released: number[] | undefined;
  #nextId = 1;
  /** Sends bytes; false when the socket cannot take more now (stop draining). */
  #send: ((bytes: Uint8Array) => boolean) | undefined;

  constructor(outbox: Outbox, window: number) {
    if (!(window >= 1 && window <= 65535)) throw new RangeError(`in-flight window ${window} must be 1..65535`);
    this.#outbox = outbox;
    this.#window = window;
    outbox.onDrop = this;
  }

  /** The outbox dropped `entry` to make room: forget it, but keep a PUBREC'd identifier until PUBCOMP. */
  dropped(entry: OutboxEntry): void {
    const id = entry.id;
    if (id === 0 || this.inUse.get(id) !== entry) return;
    this.inFlight--;
    if (entry.state === EntryState.RECEIVED) {
      this.inUse.set(id, undefined);
      (this.#released ??= []).push(id);
    } else {
      this.inUse.delete(id);
    }
  }

  /** Appends a PUBLISH to the outbox (warning of drops at 1, 10, 100, …) and sends what it can. */
  enqueue(packet: Uint8Array, qos: QoS, idOffset: number, log: Logger): PublishStatus {
    const outbox = this.#outbox;
    const before = outbox.dropped;
    const entry = outbox.push(packet, qos, idOffset);
    if (outbox.dropped !== before) {
      const line = dropWarning(outbox, before);
      if (line !== undefined) log.warn(line);
    }
    this.pump();
    return entry.state === 0 ? "queued" : "sent";
  }

  /** A free Packet Identifier, reserved for `entry` (undefined for SUBSCRIBE/UNSUBSCRIBE). */
  allocate(entry: OutboxEntry | undefined): number {
    const inUse = this.inUse;
    if (inUse.size >= 65535) throw new RangeError("all 65535 packet identifiers are in use");
    let id = this.#nextId;
    while (inUse.has(id)) id = (id % 65535) + 1;
    this.#nextId = (id % 65535) + 1;
    inUse.set(id, entry);
    if (entry !== undefined) this.inFlight++;
    return id;
  }

  /** Connected: resend PUBREL for what was PUBREC'd, oldest first, then drain (DUP resends). */
  online(send: (bytes: Uint8Array) => boolean): void {
    this.#send = send;
    const released = this.#released;
    if (released !== undefined) {
      for (let i = 0; i < released.length; i++) if (!send(pubrel(released[i]!))) return;
    }
    for (let i = 0; i < this.#outbox.length; i++) {
      const e = this.#outbox.at(i)!;
      if (e.state === EntryState.RECEIVED && !send(pubrel(e.id))) return;
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
    const released = this.#released;
    for (const [id, v] of this.inUse) if (v === undefined && (released === undefined || !released.includes(id))) this.inUse.delete(id);
  }

  /** Sends queued entries in order while the window and the socket allow. */
  pump(): void {
    const send = this.#send;
    if (send === undefined) return;
    const outbox = this.#outbox;
    for (let i = 0; i < outbox.length;) {
      const e = outbox.at(i)!;
      if (e.state === EntryState.QUEUED) {
        if (e.qos === 0) {
          e.state = EntryState.SENT;
          outbox.remove(e);
          if (!send(e.packet)) return;
          continue;
        }
        let id = e.id;
        const packet = e.packet;
        if (id === 0) {
          if (this.inFlight >= this.#window) return;
          e.id = id = this.allocate(e);
          packet[e.idOffset] = id >> 8;
          packet[e.idOffset + 1] = id & 0xff;
        } else {
          packet[0]! |= 0x08; // DUP on a resend [MQTT-3.3.1-1]
        }
        e.state = EntryState.SENT;
        if (!send(packet)) return;
      }
      i++;
    }
  }

  /** PUBACK (QoS 1) [MQTT-4.3.2-1]: the entry leaves the outbox. Unknown ids are ignored. */
  puback(id: number): void {
    const e = this.inUse.get(id);
    if (e === undefined || e.qos !== 1) return;
    this.#done(id, e);
  }

  /** PUBREC (QoS 2): answer PUBREL; the entry stays until PUBCOMP [MQTT-4.3.3-1]. */
  pubrec(id: number): Uint8Array {
    const e = this.inUse.get(id);
    if (e !== undefined && e.qos === 2) e.state = EntryState.RECEIVED;
    return pubrel(id);
  }

  /** PUBCOMP (QoS 2): the entry leaves the outbox (or, dropped after PUBREC, its identifier is freed). */
  pubcomp(id: number): void {
    const e = this.inUse.get(id);
    if (e === undefined) {
      const released = this.#released;
      const at = released === undefined ? -1 : released.indexOf(id);
      if (at < 0) return;
      released!.splice(at, 1);
      this.inUse.delete(id);
      return;
    }
    if (e.qos === 2) this.#done(id, e);
  }

  /** SUBACK/UNSUBACK freed an identifier. */
  release(id: number): void {
    if (this.inUse.get(id) === undefined && !(this.#released?.includes(id) ?? false)) this.inUse.delete(id);
  }

  #done(id: number, e: OutboxEntry): void {
    this.inUse.delete(id);
    this.inFlight--;
    this.#outbox.remove(e);
    this.pump();
  }
}
