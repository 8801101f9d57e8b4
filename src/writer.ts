// ThingFlow's MQTTWriter: an input thing that publishes each event to a topic through the
// MQTT connection's outbox (so nothing is lost while offline). An event that cannot be sent
// (too large for mqtt_max_packet) is one error line and counted, never a silent drop.
import type { InputThing } from "./dataflow.js";
import type { MqttConnection } from "./mqtt/connection.js";
import type { QoS } from "./mqtt/packets.js";
import { utf8Encode } from "./mqtt/utf8.js";
import type { Logger } from "./platform.js";
import { describe } from "./scheduler.js";

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
      this.log.error(`mqtt: ${o.label?.(event) ?? "message"} not sent to ${o.topic}: ${describe(error)}`);
    }
  }
}
