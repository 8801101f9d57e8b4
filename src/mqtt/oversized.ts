// An inbound PUBLISH larger than the client accepts (mqtt_max_packet) is not a protocol
// violation: the broker may send any size up to 268,435,455 bytes (§2.2.3). The decoder reads
// only what acknowledging it needs — the topic (when at most MAX_TOPIC bytes), the Packet
// Identifier (§3.3.2) — and lets every other byte pass as it streams in, buffering none of
// them. The result is a PublishPacket with `oversized` set and an empty payload: the client
// acknowledges it at its QoS so the broker does not send it again, and reports it.
import { utf8Decode } from "./utf8.js";
import type { PublishPacket, QoS } from "./packets.js";

/** Longest topic kept for the report; a longer one is skipped like the payload. */
const MAX_TOPIC = 256;

export class OversizedPublish {
  /** Bytes of the packet not yet seen (fixed header already counted out). */
  #left: number;
  readonly #packet: PublishPacket;
  /** 0: topic length, 1: topic, 2: Packet Identifier, 3: the rest. */
  #phase = 0;
  /** Bytes of the field under way (topic length, topic, identifier) seen so far, and the field. */
  #got = 0;
  #topicLength = 0;
  #topic: Uint8Array | undefined;
  #id = 0;
  /** The decoder returned packet() already. */
  returned = false;

  /** `first`: byte 0 of the fixed header; `total`: the whole packet's size; `header`: fixed header bytes. */
  constructor(first: number, total: number, header: number) {
    this.#left = total - header;
    const qos = ((first >> 1) & 3) as QoS;
    this.#packet = {
      type: 3,
      topic: "",
      payload: new Uint8Array(0),
      qos,
      retain: (first & 1) !== 0,
      dup: (first & 8) !== 0,
      id: 0,
      oversized: total,
    };
  }

  /** Bytes still to pass. */
  get left(): number {
    return this.#left;
  }

  /**
   * Consumes bytes[start, end), at most what the packet still has; returns the offset after
   * them. `ready` turns true once the topic and identifier are known (or unreadable).
   */
  consume(bytes: Uint8Array, start: number, end: number): number {
    let o = start;
    const stop = Math.min(end, start + this.#left);
    while (o < stop && this.#phase < 3) {
      const b = bytes[o++]!;
      if (this.#phase === 0) {
        this.#topicLength = (this.#topicLength << 8) | b;
        if (++this.#got === 2) this.#startTopic();
      } else if (this.#phase === 1) {
        if (this.#topic !== undefined) this.#topic[this.#got] = b;
        if (++this.#got === this.#topicLength) this.#endTopic();
      } else {
        this.#id = (this.#id << 8) | b;
        if (++this.#got === 2) this.#phase = 3;
      }
    }
    o = stop;
    this.#left -= o - start;
    return o;
  }

  /** The topic and (QoS 1/2) identifier are known: the packet can be acknowledged. */
  get ready(): boolean {
    return this.#phase === 3 || this.#left === 0;
  }

  /** The packet as far as it was read (`topic` "" when it was longer than MAX_TOPIC or not valid UTF-8). */
  packet(): PublishPacket {
    this.#packet.id = this.#id;
    return this.#packet;
  }

  #startTopic(): void {
    this.#got = 0;
    this.#phase = 1;
    if (this.#topicLength <= MAX_TOPIC) this.#topic = new Uint8Array(this.#topicLength);
    if (this.#topicLength === 0) this.#endTopic();
  }

  #endTopic(): void {
    const t = this.#topic;
    if (t !== undefined) this.#packet.topic = utf8Decode(t, 0, t.length) ?? "";
    this.#got = 0;
    this.#phase = this.#packet.qos === 0 ? 3 : 2;
  }
}
