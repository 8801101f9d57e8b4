// Home Assistant MQTT discovery (ha_discovery=1): one retained config message per entity
// under <ha_prefix>/sensor/<node>/<object>/config, so Home Assistant shows the lux sensor
// and the health values without YAML. Availability follows the retained status topic.
import type { PayloadFormat } from "./payload.js";

export interface DiscoveryTopics {
  readonly prefix: string;
  readonly sensorId: string;
  readonly readings: string;
  readonly health: string;
  readonly status: string;
  readonly format: PayloadFormat;
}

interface Entity {
  readonly object: string;
  readonly name: string;
  readonly unit?: string;
  readonly deviceClass?: string;
  readonly field: string;
  readonly category?: "diagnostic";
}

// Each row frozen too: preloaded, the table is in flash (xsl warns of any part left writable).
const HEALTH: readonly Entity[] = Object.freeze([
  Object.freeze({
    object: "rssi",
    name: "Wi-Fi signal",
    unit: "dBm",
    deviceClass: "signal_strength",
    field: "rssi",
    category: "diagnostic",
  }),
  Object.freeze({
    object: "uptime",
    name: "Uptime",
    unit: "s",
    deviceClass: "duration",
    field: "uptime",
    category: "diagnostic",
  }),
  Object.freeze({
    object: "heap",
    name: "Heap in use",
    unit: "B",
    deviceClass: "data_size",
    field: "heap",
    category: "diagnostic",
  }),
  Object.freeze({ object: "queue", name: "Queued readings", field: "queue", category: "diagnostic" }),
  Object.freeze({ object: "dropped", name: "Dropped readings", field: "dropped", category: "diagnostic" }),
  Object.freeze({ object: "i2c_errors", name: "I2C errors", field: "i2c_errors", category: "diagnostic" }),
  Object.freeze({ object: "reconnects", name: "MQTT reconnects", field: "reconnects", category: "diagnostic" }),
]);

/** Where the lux value sits in a reading of each payload format, as a Jinja template. */
const LUX_TEMPLATE: Readonly<Record<PayloadFormat, string>> = Object.freeze({
  thingflow: "{{ value_json[2] }}",
  json: "{{ value_json.val }}",
  losant: "{{ value_json.data.lux }}",
});

/** Node ids allow [a-zA-Z0-9_-] in Home Assistant discovery topics. */
export function nodeId(sensorId: string): string {
  return sensorId.replace(/[^A-Za-z0-9_-]/g, "_");
}

export function discoveryMessages(t: DiscoveryTopics): { topic: string; payload: string }[] {
  const node = nodeId(t.sensorId);
  const device = { identifiers: [`luxflow_${node}`], name: t.sensorId, manufacturer: "luxflow", model: "TSL2591" };
  const config = (e: Entity, stateTopic: string, template: string) => ({
    topic: `${t.prefix}/sensor/${node}/${e.object}/config`,
    payload: JSON.stringify({
      name: e.name,
      unique_id: `${node}_${e.object}`,
      state_topic: stateTopic,
      value_template: template,
      ...(e.unit !== undefined ? { unit_of_measurement: e.unit } : {}),
      ...(e.deviceClass !== undefined ? { device_class: e.deviceClass } : {}),
      ...(e.category !== undefined ? { entity_category: e.category } : {}),
      state_class: "measurement",
      availability_topic: t.status,
      device,
    }),
  });
  const lux: Entity = { object: "lux", name: "Illuminance", unit: "lx", deviceClass: "illuminance", field: "val" };
  return [
    config(lux, t.readings, LUX_TEMPLATE[t.format]),
    ...HEALTH.map((e) => config(e, t.health, `{{ value_json.${e.field} }}`)),
  ];
}
