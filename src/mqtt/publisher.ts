// The outbound publish pipeline: drains the outbox in order through an in-flight window,
// manages Packet Identifiers and completes the QoS 1 (PUBACK) and QoS 2 (PUBREC → PUBREL →
// PUBCOMP) flows (§4.3). Across a reconnect that resumes the session, unacknowledged PUBLISH
// packets are resent in their original order with DUP set, and PUBREL for those already
// PUBREC'd [MQTT-4.4.0-1] [MQTT-3.3.1-1] [MQTT-4.6.0-1]; in a new session they go again as
// new publishes (newSession). A broker that answers QoS 2 with PUBACK gets QoS 1 from then
// on; a message each connection dies right after is set aside (suspect()).
import type { Logger } from "../platform.js";
import { encodeAck } from "./encode.js";
import type { PublishStatus } from "./options.js";
import { HAS_ID, QUEUED, RECEIVED, SENT, dropWarning, type Outbox, type Records } from "./outbox.js";
import type { QoS } from "./packets.js";

/** Connections in a row that must die right after the same message before it is set aside. */
export const STRIKES = 3;

/** The slot recorded in `inUse` for the birth's Packet Identifier (SUBSCRIBE/UNSUBSCRIBE use -1). */
export const BIRTH = -2;

/** Where the publisher writes packets: a method of the connection's link object (docs/xs-memory.md). */
export interface Sender {
  /** Sends bytes; false when the socket cannot take more now (stop draining). */
  send(bytes: Uint8Array): boolean;
}

export class Publisher {
  readonly #outbox: Outbox;
  readonly #window: number;
  /**
   * Packet Identifiers in use [MQTT-2.3.1-2]: the outbox slot of the publish holding it (slots
   * never move), or -1 for SUBSCRIBE/UNSUBSCRIBE and QoS 2 identifiers kept after a drop. Made
   * by the first allocate(): a QoS 0 client holds no Map. `declare`d fields like this one
   * are not defined by the constructor: on XS a property takes a slot only once it is set.
   */
  declare inUse: Map<number, number> | undefined;
  /** Publishes holding an identifier (awaiting PUBACK, PUBREC or PUBCOMP): kept, not counted per pump. */
  inFlight = 0;
  /**
   * QoS 2 identifiers whose entry the full outbox dropped after PUBREC: the broker still waits
   * for PUBREL, so the identifier stays reserved and PUBREL is resent after a reconnect until
   * PUBCOMP [MQTT-4.3.3-1] [MQTT-4.4.0-1]. Made on first need.
   */
  #released: number[] | undefined;
  #nextId = 1;
  /** Set while connected. */
  #sender: Sender | undefined;
  readonly #log: Logger;
  /** The smallest packet not sent: mqtt_max_packet + 1, or the size of a message set aside. */
  limit: number;
  /** The broker answered QoS 2 with PUBACK: QoS 2 entries go out at QoS 1 from then on. */
  declare qos1Only: boolean | undefined;
  /** A publish was acknowledged in this connection (one that delivered resets the backoff). */
  delivered = false;
  /** The oldest unacknowledged entry when the last connection died, and in how many connections in a row. */
  #suspect = -1;
  #strikes = 0;

  constructor(outbox: Outbox, window: number, log: Logger, max: number) {
    if (!(window >= 1 && window <= 65535)) throw new RangeError(`in-flight window ${window} must be 1..65535`);
    this.#outbox = outbox;
    this.#window = window;
    this.#log = log;
    this.limit = max + 1;
    outbox.onDrop = this;
  }

  /** The outbox drops the entry in slot `at` to make room: forget it, but keep a PUBREC'd identifier until PUBCOMP. */
  dropped(at: number): void {
    this.#forget(at);
  }

  /** Frees the identifier of the entry in slot `at` (leaving): kept reserved after PUBREC, until PUBCOMP. */
  #forget(at: number): void {
    if (at === this.#suspect) this.#suspect = -1;
    const outbox = this.#outbox;
    const id = outbox.id(at);
    if (id === 0 || this.inUse?.get(id) !== at) return;
    this.inFlight--;
    if ((outbox.flags(at) & 3) === RECEIVED) {
      this.inUse!.set(id, -1);
      (this.#released ??= []).push(id);
    } else {
      this.inUse!.delete(id);
    }
  }

  /** Appends a PUBLISH of `size` bytes to the outbox (warning of drops at 1, 10, 100, …) and sends what it can. */
  enqueue(size: number, topic: Uint8Array, payload: Uint8Array, qos: QoS, retain: boolean): PublishStatus {
    const outbox = this.#outbox;
    const sender = this.#sender;
    if (
      qos !== 0 &&
      sender !== undefined &&
      outbox.length === 0 &&
      this.inFlight < this.#window &&
      size < this.limit &&
      (qos === 1 || !this.qos1Only)
    ) {
      // Nothing queued ahead of it and room in the window: it goes into the ring with its Packet
      // Identifier and SENT, and out at once, as pump() would send it (no drops: the ring is empty).
      const id = this.#freeId();
      const at = outbox.push(size, topic, payload, qos, retain, id);
      this.inUse!.set(id, at);
      this.inFlight++;
      sender.send(outbox.view(at, size));
      return "sent";
    }
    const before = outbox.dropped;
    return this.#pushed(outbox.push(size, topic, payload, qos, retain), before);
  }

  /** Appends `item` as a record (rendered when sent, see Records) and sends what it can. */
  enqueueRecord<T>(records: Records<T>, item: T, qos: QoS): PublishStatus {
    const outbox = this.#outbox;
    const before = outbox.dropped;
    return this.#pushed(outbox.pushRecord(records, item, qos), before);
  }

  /** The entry in slot `at` was pushed (`before`: the outbox's drop count before the push): send what can go. */
  #pushed(at: number, before: number): PublishStatus {
    const outbox = this.#outbox;
    if (outbox.dropped !== before) {
      const line = dropWarning(outbox, before);
      if (line !== undefined) this.#log.warn(line);
    }
    this.pump();
    // pump() sends oldest first, the new entry last: it went when it is no longer QUEUED (a QoS 0 entry leaves as it is
    // written).
    return (outbox.flags(at) & 3) === QUEUED ? "queued" : "sent";
  }

  /** A free Packet Identifier, reserved for the publish in outbox slot `at`, or (-1) a SUBSCRIBE/UNSUBSCRIBE. */
  allocate(at: number): number {
    const id = this.#freeId();
    this.inUse!.set(id, at);
    if (at >= 0) this.inFlight++;
    return id;
  }

  /** The next Packet Identifier not in use (`inUse` made if need be), not yet reserved. */
  #freeId(): number {
    const inUse = (this.inUse ??= new Map());
    let id = this.#nextId;
    while (inUse.has(id)) {
      if (inUse.size >= 65535) throw new RangeError("all 65535 packet identifiers are in use");
      id = (id % 65535) + 1;
    }
    this.#nextId = (id % 65535) + 1;
    return id;
  }

  /** Connected: resend PUBREL for what was PUBREC'd, oldest first, then drain (DUP resends). */
  online(sender: Sender): void {
    this.#sender = sender;
    this.delivered = false;
    const released = this.#released;
    if (released !== undefined) {
      for (let i = 0; i < released.length; i++) if (!sender.send(encodeAck(6, released[i]!))) return;
    }
    const outbox = this.#outbox;
    if (outbox.length === 0) return; // nothing to resend or send
    for (let at = outbox.first(); at >= 0; at = outbox.next(at)) {
      if ((outbox.flags(at) & 3) === RECEIVED && !sender.send(encodeAck(6, outbox.id(at)))) return;
    }
    this.pump();
  }

  /** Disconnected: everything sent but unacknowledged will be resent on the next connection. */
  offline(): void {
    this.#sender = undefined;
    const outbox = this.#outbox;
    for (let at = outbox.first(); at >= 0; at = outbox.next(at)) {
      if ((outbox.flags(at) & 3) === SENT) outbox.setState(at, QUEUED);
    }
    const released = this.#released;
    for (const [id, at] of this.inUse ?? [])
      if (at < 0 && (released === undefined || !released.includes(id))) this.inUse!.delete(id);
  }

  /** Sends queued entries in order while the window and the socket allow. */
  pump(): void {
    const sender = this.#sender;
    const outbox = this.#outbox;
    if (sender === undefined) return;
    // Entries left to visit: stopping at the newest saves a next() call per publish.
    for (let at = outbox.first(), left = outbox.length; left > 0 && at >= 0; left--) {
      let flags = outbox.flags(at);
      if ((flags & 3) === QUEUED) {
        if ((flags & 12) === 0) {
          // QoS 0
          // At most once (§4.3.1): it leaves when written; send() reads the view before any push reuses the slot.
          const next = left > 1 ? outbox.next(at) : -1;
          const packet = outbox.packet(at);
          outbox.remove(at);
          if (packet.length >= this.limit) this.#refuse(outbox.topic(at), packet.length);
          else if (!sender.send(packet)) return;
          at = next;
          continue;
        }
        if (this.qos1Only && (flags & 12) === 8) flags = this.#downgrade(at, flags);
        let id = 0; // a resend keeps its identifier [MQTT-2.3.1-3]
        if ((flags & HAS_ID) === 0) {
          if (this.inFlight >= this.#window) return;
          id = this.allocate(at);
        }
        const packet = outbox.send(at, id);
        if (packet.length >= this.limit) {
          const next = left > 1 ? outbox.next(at) : -1;
          this.#refuse(outbox.topic(at), packet.length);
          this.#forget(at);
          outbox.remove(at);
          at = next;
          continue;
        }
        if (!sender.send(packet)) return;
      }
      if (left > 1) at = outbox.next(at);
    }
  }

  /** A QoS 2 entry goes at QoS 1, as a new publish: the broker takes QoS 1 only. */
  #downgrade(at: number, flags: number): number {
    if ((flags & HAS_ID) !== 0) this.#forget(at);
    this.#outbox.restart(at, 1);
    return this.#outbox.flags(at);
  }

  #refuse(topic: string, size: number): void {
    this.#log.error(
      `mqtt: a ${size}-byte message to ${topic} is not sent: ${this.aside?.reason ?? `above the maximum packet size ${this.limit - 1} (mqtt_max_packet)`}`,
    );
  }

  /** The topic of the last message set aside, and why `limit` is what it is (made by the first). */
  declare aside: { topic: string; reason: string } | undefined;

  /**
   * The connection died (after CONNACK, by the peer or the link). When the oldest entry sent
   * and unacknowledged is the same as when the last STRIKES - 1 connections died, it is set
   * aside (removed, with an error line) and messages of its size or more are refused from then
   * on: a broker that closes the connection on a packet above its own maximum packet size
   * would otherwise get it first on every reconnect and take nothing else. A later message to
   * a topic that had one set aside (a state republished on each connection, a few bytes
   * shorter) is set aside at the first such death. A death right after a message no larger
   * than one the broker acknowledged before is the link's (a flapping link drops before the
   * PUBACK just as often), and counts for nothing.
   */
  died(): void {
    const outbox = this.#outbox;
    let oldest = -1;
    for (let at = outbox.first(); at >= 0; at = outbox.next(at)) {
      if ((outbox.flags(at) & 3) === SENT) {
        oldest = at;
        break;
      }
    }
    // The broker acknowledged a message this large before, so it takes the size: the link dropped.
    // Readings' records differ by a few bytes at most: one acknowledged reading vouches for them.
    const bytes = oldest < 0 ? 0 : outbox.packetBytes(oldest);
    if (oldest < 0 || (bytes < 0 ? outbox.recordTaken : bytes <= outbox.largestTaken)) {
      this.#suspect = -1;
      this.#strikes = 0;
      return;
    }
    this.#strikes = oldest === this.#suspect ? this.#strikes + 1 : 1;
    this.#suspect = oldest;
    const topic = outbox.topic(oldest);
    if (this.#strikes < STRIKES && topic !== this.aside?.topic) return;
    const size = outbox.send(oldest, 0).length;
    const strikes = this.#strikes;
    this.#forget(oldest);
    outbox.remove(oldest);
    this.#strikes = 0;
    if (size < this.limit) this.limit = size;
    this.aside = { topic, reason: `the broker closed the connection right after a ${this.limit}-byte message` };
    const times = strikes === 1 ? "again" : `${strikes} times in a row`;
    this.#log.error(
      `mqtt: the connection died ${times} right after the ${size}-byte message to ${topic}: set aside, not sent again; messages of ${this.limit} bytes or more are refused from now on (is the broker's maximum packet size below mqtt_max_packet?)`,
    );
  }

  /**
   * CONNACK with Session present 0: the broker has no state of ours [MQTT-3.1.2-6], so every
   * held entry goes again as a new publish (DUP 0, a new identifier) and no PUBREL is owed
   * [MQTT-4.4.0-1]. A QoS 2 entry PUBREC'd in the old session is sent again too: at least once.
   */
  newSession(): void {
    const outbox = this.#outbox;
    for (let at = outbox.length === 0 ? -1 : outbox.first(); at >= 0; at = outbox.next(at)) {
      const flags = outbox.flags(at);
      if ((flags & HAS_ID) !== 0 || (flags & 3) !== QUEUED) outbox.restart(at, ((flags >> 2) & 3) as QoS);
    }
    if (this.inUse !== undefined) this.inUse = undefined; // no property made where none was
    this.inFlight = 0;
    this.#released = undefined;
  }

  /** PUBACK (QoS 1) [MQTT-4.3.2-1]: the entry leaves the outbox. Unknown ids are ignored. */
  puback(id: number): void {
    const at = this.inUse?.get(id);
    if (at === undefined) return;
    if (at < 0) {
      if (at === BIRTH) this.inUse!.delete(id);
      return;
    }
    const flags = this.#outbox.flags(at);
    if ((flags & 12) === 4) return this.#done(id, at);
    if ((flags & 12) !== 8 || (flags & 3) !== SENT) return;
    // QoS 2 answered with PUBACK (RabbitMQ's MQTT plugin): the broker took it at QoS 1 (§4.3.2).
    if (!this.qos1Only)
      this.#log.warn("mqtt: the broker answered QoS 2 with PUBACK: it does not support QoS 2; sending at QoS 1");
    this.qos1Only = true;
    this.#done(id, at);
  }

  /** PUBREC (QoS 2): answer PUBREL; the entry stays until PUBCOMP [MQTT-4.3.3-1]. */
  pubrec(id: number): Uint8Array {
    const at = this.inUse?.get(id);
    if (at !== undefined && at >= 0 && (this.#outbox.flags(at) & 12) === 8) this.#outbox.setState(at, RECEIVED);
    return encodeAck(6, id);
  }

  /** PUBCOMP (QoS 2): the entry leaves the outbox (or, dropped after PUBREC, its identifier is freed). */
  pubcomp(id: number): void {
    const at = this.inUse?.get(id);
    if (at !== undefined && at >= 0) {
      if ((this.#outbox.flags(at) & 12) === 8) this.#done(id, at);
      return;
    }
    const released = this.#released;
    const i = released === undefined ? -1 : released.indexOf(id);
    if (i < 0) return;
    released!.splice(i, 1);
    this.inUse!.delete(id);
  }

  /** SUBACK/UNSUBACK freed an identifier. */
  release(id: number): void {
    if (this.inUse?.get(id) === -1 && !(this.#released?.includes(id) ?? false)) this.inUse!.delete(id);
  }

  #done(id: number, at: number): void {
    if (at === this.#suspect) {
      this.#suspect = -1;
      this.#strikes = 0;
    }
    this.delivered = true;
    this.inUse!.delete(id);
    this.inFlight--;
    const outbox = this.#outbox;
    outbox.acknowledged(at);
    if (outbox.length !== 0) this.pump();
  }
}
