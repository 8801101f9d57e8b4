// Topic names as the client sends them: UTF-8 bytes kept per topic (a device publishes to the
// same few topics again and again), and the last QoS 0 PUBLISH head (fixed header + topic)
// built for a topic, payload length and retain flag, so a QoS 0 publish writes that head and
// then the caller's payload without encoding anything.
import { checkTopicName, publishSize, writePublish } from "./encode.js";
import { utf8Encode } from "./utf8.js";

export class Topics {
  /** The largest packet the client may send or accept (mqtt_max_packet). */
  readonly max: number;
  /** The largest packet the client sends: `max`, or less once the broker refused a size (limit()). */
  sendMax: number;
  #reason: string | undefined;
  #bytes: Map<string, Uint8Array> | undefined;
  /** The last QoS 0 PUBLISH head, its whole packet size, and what it was built for: all set by makeHead(). */
  declare head: Uint8Array | undefined;
  declare headTotal: number;
  declare headTopic: string | undefined;
  /** The payload length it was built for, or with retain -2 - that length (never a length: one compare). */
  declare headKey: number | undefined;

  constructor(max: number) {
    this.max = max;
    this.sendMax = max;
  }

  /** Sends nothing above `max` bytes from now on, for `reason` (the cached head is checked again). */
  limit(max: number, reason: string | undefined): void {
    if (max >= this.sendMax) return;
    this.sendMax = max;
    this.#reason = reason;
    this.headKey = -1;
  }

  /** The topic's UTF-8 bytes; throws RangeError for a name MQTT forbids [MQTT-3.3.2-2] [MQTT-4.7.3-1]. */
  bytes(topic: string): Uint8Array {
    const map = (this.#bytes ??= new Map());
    let bytes = map.get(topic);
    if (bytes === undefined) {
      checkTopicName(topic);
      bytes = utf8Encode(topic);
      if (bytes.length > 0xffff) throw new RangeError(`topic name of ${bytes.length} bytes exceeds 65535 [MQTT-1.5.3]`);
      if (map.size >= 8) map.clear();
      map.set(topic, bytes);
    }
    return bytes;
  }

  /** Builds and keeps the QoS 0 PUBLISH head for this topic, payload length and retain flag (size checked here). */
  makeHead(topic: string, length: number, retain: boolean): void {
    const bytes = this.bytes(topic);
    const total = publishSize(bytes.length, length, 0);
    if (total > this.sendMax) this.tooLarge(topic, total);
    const head = new Uint8Array(total - length);
    writePublish(head, 0, bytes, undefined, length, 0, retain, false, 0);
    this.head = head;
    this.headTotal = total;
    this.headTopic = topic;
    this.headKey = retain ? -2 - length : length;
  }

  tooLarge(topic: string, bytes: number): never {
    if (this.#reason !== undefined)
      throw new RangeError(`publish to "${topic}" is ${bytes} bytes: not sent: ${this.#reason}`);
    throw new RangeError(
      `publish to "${topic}" is ${bytes} bytes, above the maximum packet size ${this.max} (mqtt_max_packet)`,
    );
  }
}
