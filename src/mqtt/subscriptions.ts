// Subscriptions the application asked for, remembered so that every new connection restores
// them (a clean session forgets them on the broker [MQTT-3.1.2-6]); SUBACK failures reported.
import type { Logger } from "../platform.js";
import { encodeSubscribe, encodeUnsubscribe } from "./encode.js";
import type { QoS } from "./packets.js";
import type { Publisher } from "./publisher.js";
import { subackReason } from "./reasons.js";

export class Subscriptions {
  /** Both made on first need: a client that never subscribes holds no Map. */
  #topics: Map<string, QoS> | undefined;
  #pending: Map<number, string[]> | undefined;
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  add(topic: string, qos: QoS): void {
    if (topic.length === 0) throw new RangeError("topic filter must be at least one character [MQTT-4.7.3-1]");
    if (qos !== 0 && qos !== 1 && qos !== 2) throw new RangeError(`subscription QoS ${qos} must be 0, 1 or 2`);
    (this.#topics ??= new Map()).set(topic, qos);
  }

  remove(topic: string): boolean {
    return this.#topics?.delete(topic) ?? false;
  }

  /** SUBSCRIBE for `topics` (all remembered ones by default), or undefined when there are none. */
  subscribe(publisher: Publisher, topics?: string[]): Uint8Array | undefined {
    const known = this.#topics;
    if (known === undefined) return undefined;
    const list = topics ?? [...known.keys()];
    if (list.length === 0) return undefined;
    const id = publisher.allocate(-1);
    (this.#pending ??= new Map()).set(id, list);
    return encodeSubscribe(
      id,
      list.map((topic) => ({ topic, qos: known.get(topic) ?? 0 })),
    );
  }

  unsubscribe(publisher: Publisher, topic: string): Uint8Array {
    const id = publisher.allocate(-1);
    return encodeUnsubscribe(id, [topic]);
  }

  /** SUBACK: one return code per requested filter, in order (§3.9.3). */
  suback(publisher: Publisher, id: number, granted: number[]): void {
    publisher.release(id);
    const topics = this.#pending?.get(id);
    if (topics === undefined) return;
    this.#pending!.delete(id);
    if (granted.length !== topics.length) {
      this.#log.warn(
        `SUBACK ${id} has ${granted.length} return codes for ${topics.length} topic filters [MQTT-3.8.4-6]`,
      );
    }
    for (let i = 0; i < topics.length; i++) {
      const code = granted[i];
      if (code === 0x80) this.#log.warn(subackReason(topics[i]!, code));
    }
  }

  /** A connection ended: outstanding SUBSCRIBEs are resent in full on the next one. */
  reset(): void {
    this.#pending?.clear();
  }
}
