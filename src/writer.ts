// ThingFlow's MQTTWriter: an input thing that publishes each event to a topic through the
// MQTT connection's outbox (so nothing is lost while offline). An event that cannot be sent
// (too large for mqtt_max_packet) is one error line and counted, never a silent drop.
// ReadingWriter is the readings' writer: what waits in the outbox is each reading's short
// record (payload.ts), rendered into its payload when sent, so the queue holds several times
// more readings than as encoded packets; a QoS 0 reading sent at once is formatted directly.
import type { InputThing } from "./dataflow.js";
import type { MqttConnection } from "./mqtt/connection.js";
import { checkTopicName, encodePublish } from "./mqtt/encode.js";
import type { Records } from "./mqtt/outbox.js";
import type { QoS } from "./mqtt/packets.js";
import { utf8Encode } from "./mqtt/utf8.js";
import {
  payloadEncoder,
  readRecord,
  RECORD_BYTES,
  writeRecord,
  type PayloadEncoder,
  type PayloadFormat,
  type Reading,
} from "./payload.js";
import type { Logger } from "./platform.js";
import { errorMessage } from "./scheduler.js";

export interface WriterOptions<T> {
  readonly topic: string;
  readonly format: (event: T) => string;
  readonly qos: QoS;
  readonly retain?: boolean;
  /** Names the event in an error line (e.g. "reading 17"). */
  readonly label?: (event: T) => string;
}

export class MqttWriter<T> implements InputThing<T> {
  published = 0;
  rejected = 0;

  constructor(
    private readonly connection: Pick<MqttConnection, "publish">,
    private readonly log: Logger,
    private readonly options: WriterOptions<T>,
  ) {}

  onNext(event: T): void {
    const o = this.options;
    try {
      this.connection.publish(o.topic, utf8Encode(o.format(event)), { qos: o.qos, retain: o.retain ?? false });
      this.published++;
    } catch (error) {
      this.rejected++;
      this.log.error(`mqtt: ${o.label?.(event) ?? "message"} not sent to ${o.topic}: ${errorMessage(error)}`);
    }
  }
}

export interface ReadingWriterOptions {
  readonly topic: string;
  readonly qos: QoS;
  readonly format: PayloadFormat;
  readonly sensorId: string;
  /** This boot's number: a record keeps its low 16 bits. */
  readonly boot: number;
}

export class ReadingWriter implements InputThing<Reading>, Records<Reading> {
  published = 0;
  rejected = 0;
  readonly size = RECORD_BYTES;
  readonly topic: string;
  readonly #topicBytes: Uint8Array;
  readonly #payload: PayloadEncoder;
  /**
   * The reading whose record was written last, and where, while it awaits its first send: when
   * the record holds it exactly, that send formats it directly instead of reading the record
   * back (the same payload; a resend reads the record).
   */
  #last: Reading | undefined;
  #lastAt = -1;

  constructor(
    private readonly connection: Pick<MqttConnection, "publish" | "publishRecord" | "connected" | "outbox">,
    private readonly log: Logger,
    private readonly options: ReadingWriterOptions,
  ) {
    checkTopicName(options.topic);
    this.topic = options.topic;
    this.#topicBytes = utf8Encode(options.topic);
    this.#payload = payloadEncoder(options.format, options.sensorId);
  }

  onNext(reading: Reading): void {
    const o = this.options;
    const c = this.connection;
    try {
      if (o.qos === 0 && c.connected && c.outbox.length === 0) c.publish(o.topic, this.#payload.bytes(reading));
      else c.publishRecord(this, reading, o.qos);
      this.published++;
    } catch (error) {
      this.rejected++;
      this.log.error(`mqtt: reading ${reading.seq} not sent to ${o.topic}: ${errorMessage(error)}`);
    }
  }

  write(out: Uint8Array, at: number, reading: Reading): void {
    const exact = writeRecord(out, at, reading);
    const boot = reading.boot;
    this.#last = exact && (boot === undefined || boot === this.options.boot) ? reading : undefined;
    this.#lastAt = at;
  }

  render(buf: Uint8Array, at: number, qos: QoS, dup: boolean, id: number): Uint8Array {
    const o = this.options;
    let reading = this.#last;
    if (reading === undefined || at !== this.#lastAt) reading = readRecord(buf, at, o.sensorId, o.boot);
    else this.#last = undefined;
    return encodePublish(this.#topicBytes, this.#payload.bytes(reading), qos, false, dup, id);
  }
}
