// The outbound publish pipeline: drains the outbox in order through an in-flight window,
// manages Packet Identifiers and completes the QoS 1 (PUBACK) and QoS 2 (PUBREC → PUBREL →
// PUBCOMP) flows (§4.3). Across a reconnect, unacknowledged PUBLISH packets are resent in
// their original order with DUP set, and PUBREL for those already PUBREC'd
// [MQTT-4.4.0-1] [MQTT-3.3.1-1] [MQTT-4.6.0-1].
import type { Logger } from "../platform.js";
import type { PublishStatus } from "./options.js";
import { EntryState, dropWarning, type Outbox } from "./outbox.js";
import type { QoS } from "./packets.js";

/** PUBREL for `id`: flags 0010 [MQTT-3.6.1-1]. */
export function pubrel(id: number): Uint8Array {
  return Uint8Array.of(0x62, 2, id >> 8, id & 0xff);
}

export class Publisher {
  readonly #outbox: Outbox;
  readonly #window: number;
  /**
   * Packet Identifiers in use [MQTT-2.3.1-2]: true for a publish held in the outbox, false for
   * SUBSCRIBE/UNSUBSCRIBE and for QoS 2 identifiers kept after their entry was dropped.
   */
  readonly inUse = new Map<number, boolean>();
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

  /** The outbox drops the entry in slot `at` to make room: forget it, but keep a PUBREC'd identifier until PUBCOMP. */
  dropped(at: number): void {
    const outbox = this.#outbox;
    const id = outbox.id(at);
    if (id === 0 || this.inUse.get(id) !== true) return;
    this.inFlight--;
    if (outbox.state(at) === EntryState.RECEIVED) {
      this.inUse.set(id, false);
      (this.#released ??= []).push(id);
    } else {
      this.inUse.delete(id);
    }
  }

  /** Appends a PUBLISH of `size` bytes to the outbox (warning of drops at 1, 10, 100, …) and sends what it can. */
  enqueue(size: number, topic: Uint8Array, payload: Uint8Array, qos: QoS, retain: boolean, log: Logger): PublishStatus {
    const outbox = this.#outbox;
    const before = outbox.dropped;
    const at = outbox.push(size, topic, payload, qos, retain);
    if (outbox.dropped !== before) {
      const line = dropWarning(outbox, before);
      if (line !== undefined) log.warn(line);
    }
    this.pump();
    // A QoS 0 entry written by pump() is a hole (GONE) now; its slot is not reused before the next push.
    return outbox.state(at) === EntryState.QUEUED ? "queued" : "sent";
  }

  /** A free Packet Identifier, reserved for a publish in the outbox or (false) a SUBSCRIBE/UNSUBSCRIBE. */
  allocate(publish: boolean): number {
    const inUse = this.inUse;
    if (inUse.size >= 65535) throw new RangeError("all 65535 packet identifiers are in use");
    let id = this.#nextId;
    while (inUse.has(id)) id = (id % 65535) + 1;
    this.#nextId = (id % 65535) + 1;
    inUse.set(id, publish);
    if (publish) this.inFlight++;
    return id;
  }

  /** Connected: resend PUBREL for what was PUBREC'd, oldest first, then drain (DUP resends). */
  online(send: (bytes: Uint8Array) => boolean): void {
    this.#send = send;
    const released = this.#released;
    if (released !== undefined) {
      for (let i = 0; i < released.length; i++) if (!send(pubrel(released[i]!))) return;
    }
    const outbox = this.#outbox;
    for (let at = outbox.first(); at >= 0; at = outbox.next(at)) {
      if (outbox.state(at) === EntryState.RECEIVED && !send(pubrel(outbox.id(at)))) return;
    }
    this.pump();
  }

  /** Disconnected: everything sent but unacknowledged will be resent on the next connection. */
  offline(): void {
    this.#send = undefined;
    const outbox = this.#outbox;
    for (let at = outbox.first(); at >= 0; at = outbox.next(at)) {
      if (outbox.state(at) === EntryState.SENT) outbox.setState(at, EntryState.QUEUED);
    }
    const released = this.#released;
    for (const [id, publish] of this.inUse) if (!publish && (released === undefined || !released.includes(id))) this.inUse.delete(id);
  }

  /** Sends queued entries in order while the window and the socket allow. */
  pump(): void {
    const send = this.#send;
    if (send === undefined) return;
    const outbox = this.#outbox;
    for (let at = outbox.first(); at >= 0;) {
      if (outbox.state(at) === EntryState.QUEUED) {
        if (outbox.qos(at) === 0) {
          // At most once (§4.3.1): it leaves when written; send() reads the view before any push reuses the slot.
          const packet = outbox.packet(at);
          const next = outbox.next(at);
          outbox.remove(at);
          if (!send(packet)) return;
          at = next;
          continue;
        }
        let id = outbox.id(at);
        if (id === 0) {
          if (this.inFlight >= this.#window) return;
          outbox.setId(at, (id = this.allocate(true)));
        } else {
          outbox.setDup(at); // DUP on a resend [MQTT-3.3.1-1]
        }
        outbox.setState(at, EntryState.SENT);
        if (!send(outbox.packet(at))) return;
      }
      at = outbox.next(at);
    }
  }

  /** PUBACK (QoS 1) [MQTT-4.3.2-1]: the entry leaves the outbox. Unknown ids are ignored. */
  puback(id: number): void {
    if (this.inUse.get(id) !== true) return;
    const at = this.#outbox.find(id);
    if (at >= 0 && this.#outbox.qos(at) === 1) this.#done(id, at);
  }

  /** PUBREC (QoS 2): answer PUBREL; the entry stays until PUBCOMP [MQTT-4.3.3-1]. */
  pubrec(id: number): Uint8Array {
    if (this.inUse.get(id) === true) {
      const at = this.#outbox.find(id);
      if (at >= 0 && this.#outbox.qos(at) === 2) this.#outbox.setState(at, EntryState.RECEIVED);
    }
    return pubrel(id);
  }

  /** PUBCOMP (QoS 2): the entry leaves the outbox (or, dropped after PUBREC, its identifier is freed). */
  pubcomp(id: number): void {
    if (this.inUse.get(id) !== true) {
      const released = this.#released;
      const i = released === undefined ? -1 : released.indexOf(id);
      if (i < 0) return;
      released!.splice(i, 1);
      this.inUse.delete(id);
      return;
    }
    const at = this.#outbox.find(id);
    if (at >= 0 && this.#outbox.qos(at) === 2) this.#done(id, at);
  }

  /** SUBACK/UNSUBACK freed an identifier. */
  release(id: number): void {
    if (this.inUse.get(id) === false && !(this.#released?.includes(id) ?? false)) this.inUse.delete(id);
  }

  #done(id: number, at: number): void {
    this.inUse.delete(id);
    this.inFlight--;
    this.#outbox.remove(at);
    this.pump();
  }
}
