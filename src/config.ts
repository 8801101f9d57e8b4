// The firmware's configuration keys: one table, read by the device at boot (from
// `mc/config`, where `mcconfig key=value` values arrive as strings) and by the host
// simulator's command line, so a key is spelled and validated the same everywhere. The
// `Config` type is derived from the table: a key is one row, its field the key in camelCase,
// its type what the row's parser returns.
// A bad value is a ConfigError naming the key, the rule and the value given (never the value
// of a secret key). An empty value is an error naming the key, unless the key says what empty
// means (`empty` below). `profile=` (src/profiles.ts) supplies defaults and required keys.
// Every topic the configuration derives is checked here, at boot, with the MQTT client's rules.
import { GAIN_NAMES } from "embedded:sensor/AmbientLight/tsl2591-registers";
import { nodeId } from "./discovery.js";
import { printable as shown } from "./log.js";
import { checkTopicName } from "./mqtt/encode.js";
import { utf8Length } from "./mqtt/utf8.js";
import { PAYLOAD_FORMATS } from "./payload.js";
import { PROFILES, type Profile } from "./profiles.js";
import {
  ConfigError,
  type Raw,
  type KeySpec,
  fail,
  integer,
  decimal,
  seconds,
  offOrSeconds,
  text,
  secretText,
  choice,
  flag,
  qosLevel,
  integrationTime,
  profileOf,
  topicText,
  topicLevels,
  hostName,
  plainText,
  none,
} from "./config-rules.js";
export { ConfigError, type KeySpec } from "./config-rules.js";

/** The floors of the interval keys, seconds (set_interval takes the same). */
export const SAMPLE_FLOOR_S = 0.1;
export const HEALTH_FLOOR_S = 1;

/** A row of the table, frozen (preloaded, it is in flash), its key and value types kept for `Config`. */
function row<const S extends KeySpec & { readonly key: string }>(spec: S): S {
  return Object.freeze(spec);
}

const PROFILE = row({
  key: "profile",
  default: "local",
  help: `Connection profile: ${PROFILES.map((p) => p.name).join(", ")} (defaults and required keys for the broker)`,
  parse: (v: Raw, k: string): string => profileOf(v, k).name,
});
const SENSOR_ID = row({
  key: "sensor_id",
  default: "lux-1",
  help: "Sensor name, first element of every reading",
  parse: text(1, 64, topicLevels),
});

// The durations are given in seconds and parsed into milliseconds.
const ROWS = Object.freeze([
  PROFILE,
  SENSOR_ID,
  row({
    key: "mqtt_host",
    required: true,
    help: "MQTT broker: IPv4 address or host name (resolved on the device)",
    parse: text(1, 253, hostName),
  }),
  row({ key: "mqtt_port", default: 1883, help: "MQTT broker TCP port", parse: integer(1, 65535) }),
  row({
    key: "mqtt_topic",
    default: "sensor-data",
    help: "Topic the readings are published to",
    parse: text(1, 256, topicText),
  }),
  row({
    key: "mqtt_client_id",
    otherwise: (sensorId: string): string => sensorId,
    help: "MQTT client id (default: sensor_id); must be unique per broker",
    parse: text(1, 64, plainText),
  }),
  row({
    key: "mqtt_user",
    empty: "anonymous",
    otherwise: none,
    help: "MQTT user name (none: connect anonymously)",
    parse: text(0, 256),
  }),
  row({
    key: "mqtt_password",
    secret: true,
    empty: "none",
    otherwise: none,
    help: "MQTT password (never logged); keep it in secrets.json",
    parse: secretText(0, 256),
  }),
  row({
    key: "mqtt_keepalive",
    default: 30,
    help: "MQTT keepalive in seconds; a dead link is noticed within 1.5x (0 = off)",
    parse: integer(0, 65535),
  }),
  row({
    key: "mqtt_clean",
    default: 1,
    help: "1 = clean session; 0 = persistent session (the broker keeps subscriptions and QoS 1/2 state)",
    parse: flag,
  }),
  row({ key: "mqtt_tls", default: 0, help: "1 = MQTT over TLS (mqtts; usually port 8883)", parse: flag }),
  row({
    key: "mqtt_ca",
    empty: "the built-in roots",
    otherwise: none,
    help: "CA certificate for mqtt_tls: a DER resource name on a device, a PEM file in the simulator (default: built-in roots)",
    parse: text(0, 256),
  }),
  row({
    key: "mqtt_reconnect_min",
    default: 1,
    help: "Shortest wait before reconnecting, seconds (jittered, doubling)",
    parse: seconds(0.1, 3600),
  }),
  row({
    key: "mqtt_reconnect_max",
    default: 60,
    help: "Longest wait before reconnecting, seconds",
    parse: seconds(0.1, 86400),
  }),
  row({
    key: "mqtt_max_packet",
    default: 4096,
    help: "Largest MQTT packet sent or accepted, bytes (a larger one is an error, never a silent drop)",
    parse: integer(64, 268435455),
  }),
  row({
    key: "mqtt_inflight",
    default: 8,
    help: "QoS 1/2 publishes awaiting acknowledgement at once",
    parse: integer(1, 65535),
  }),
  row({
    key: "status_topic",
    otherwise: (sensorId: string): string => `${sensorId}/status`,
    help: "Retained status topic: online while connected, offline (the will) when not (default: <sensor_id>/status)",
    parse: text(1, 256, topicText),
  }),
  row({ key: "qos", default: 1, help: "QoS of the readings: 0, 1 or 2", parse: qosLevel }),
  row({
    key: "payload_format",
    default: "thingflow",
    help: 'thingflow: ["id", ts, lux]; json: {sensor_id, ts, val, seq, raw counts, …}; losant: {data, time} on losant/<client id>/state',
    parse: choice(PAYLOAD_FORMATS),
  }),
  row({
    key: "queue_bytes",
    default: 4096,
    help: "Readings held while offline, bytes; when full the oldest go first and are counted",
    parse: integer(512, 1048576),
  }),
  row({
    key: "queue_persist",
    default: 0,
    help: "1 = readings taken while offline are also kept in flash (preference) and sent after a reboot",
    parse: flag,
  }),
  row({
    key: "queue_persist_max",
    default: 32,
    help: "Most offline readings kept in flash (the oldest go first)",
    parse: integer(1, 256),
  }),
  row({
    key: "health_interval",
    default: 60,
    help: `Seconds between health reports on <sensor_id>/health: 0 = off, else ${HEALTH_FLOOR_S} to 86400`,
    parse: offOrSeconds(HEALTH_FLOOR_S, 86400),
  }),
  row({
    key: "sntp",
    default: "pool.ntp.org",
    empty: "no time server",
    help: 'Network time server ("" = none: timestamps are seconds since boot)',
    parse: text(0, 253, (s) => (s === "" ? undefined : hostName(s))),
  }),
  row({
    key: "ha_discovery",
    default: 0,
    help: "1 = publish Home Assistant MQTT discovery (retained) for lux and health values",
    parse: flag,
  }),
  row({
    key: "ha_prefix",
    default: "homeassistant",
    help: "Home Assistant discovery prefix",
    parse: text(1, 64, topicText),
  }),
  row({
    key: "sample_interval",
    default: 5,
    help: `Seconds between readings (${SAMPLE_FLOOR_S} to 86400)`,
    parse: seconds(SAMPLE_FLOOR_S, 86400),
  }),
  row({
    key: "lux_average",
    default: 1,
    help: "Each published lux value is the mean of the last N readings (1 = off; a saturated reading is never averaged)",
    parse: integer(1, 64),
  }),
  row({
    key: "lux_change",
    default: 0,
    help: "Publish a reading only when lux differs by more than this from the last one published (0 = every reading; seq then counts the published ones)",
    parse: decimal(0, 100000, "lux"),
  }),
  row({
    key: "lux_heartbeat",
    default: 0,
    help: "With lux_change: publish anyway when this many seconds have passed since the last one (0 = never)",
    parse: offOrSeconds(1, 86400),
  }),
  row({
    key: "sleep_mode",
    default: "none",
    help: "none: always on; deep: wake every sample_interval, publish at QoS 1, sleep once delivered (or after awake_max)",
    parse: choice(Object.freeze(["none", "deep"] as const)),
  }),
  row({
    key: "awake_max",
    default: 10,
    help: "sleep_mode=deep: longest stay awake per wake, seconds; what is not delivered by then stays queued for the next wake",
    parse: seconds(1, 600),
  }),
  row({
    key: "gain",
    default: "medium",
    help: `TSL2591 gain: ${GAIN_NAMES.join(", ")} (the first range auto-range tries)`,
    parse: choice(GAIN_NAMES),
  }),
  row({
    key: "integration",
    default: 100,
    help: "TSL2591 integration time, ms: 100 to 600 in steps of 100",
    parse: integrationTime,
  }),
  row({
    key: "auto_range",
    default: 1,
    help: "1 = step gain and integration time to keep the sensor in range; 0 = fixed gain and integration",
    parse: flag,
  }),
  row({
    key: "ssid",
    empty: "the board's existing network",
    otherwise: none,
    help: "Wi-Fi network to join (none: use the board's existing network)",
    parse: text(0, 32),
  }),
  row({
    key: "password",
    secret: true,
    empty: "an open network",
    otherwise: none,
    help: "Wi-Fi password (never logged); keep it in secrets.json",
    parse: secretText(0, 64),
  }),
  row({ key: "i2c_data", help: "I2C SDA pin (default: the board's I2C.default)", parse: integer(0, 48) }),
  row({ key: "i2c_clock", help: "I2C SCL pin (default: the board's I2C.default)", parse: integer(0, 48) }),
  row({
    key: "i2c_hz",
    default: 100000,
    help: "I2C bus speed in Hz (the TSL2591 allows up to 400000)",
    parse: integer(10000, 400000),
  }),
]);

export const CONFIG_KEYS: readonly KeySpec[] = ROWS;

/** `mqtt_reconnect_min` → `mqttReconnectMin`. */
type FieldName<K extends string> = K extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<FieldName<Tail>>}`
  : K;
/** A row with a default, required, or an `otherwise` always has a value. */
type Given =
  | { readonly default: string | number | boolean }
  | { readonly required: true }
  | { readonly otherwise: (sensorId: string) => unknown };
type FieldOf<R extends KeySpec> = R extends Given ? ReturnType<R["parse"]> : ReturnType<R["parse"]> | undefined;

/** The parsed configuration: one field per row of the table (durations in milliseconds). */
export type Config = { readonly [R in (typeof ROWS)[number] as FieldName<R["key"]>]: FieldOf<R> };

/**
 * Keys the Moddable SDK itself puts into `mc/config`, read from the generated mc.config.js of
 * SDK 8.2.3 builds: `format` and `rotation` on every platform (tools/mcconfig.js, display
 * defaults), `file` on lin (modules/files/file/manifest.json: `file.root`), `tls` on esp32
 * (the TLS socket's ssl manifest). `led`, `button`, `screen`, `touch` and `driver` are set by
 * some boards' manifests. The firmware ignores them; any other unknown key is a typo.
 */
export const PLATFORM_KEYS: readonly string[] = Object.freeze([
  "format",
  "rotation",
  "file",
  "tls",
  "led",
  "button",
  "screen",
  "touch",
  "driver",
]);

/** Keys of the simulated board (`sim_lux`, `sim_fault`, …): its provider reads them, the firmware does not. */
export const SIMULATOR_KEY_PREFIX = "sim_";

const upper = (_match: string, letter: string): string => letter.toUpperCase();

/** The Config field of a key (FieldName, at run time). */
export function fieldName(key: string): string {
  return key.replace(/_([a-z0-9])/g, upper);
}

// Made at preload, so in flash. The rows by key name: the names become property keys here, so
// looking one up at boot (in `mc/config`, in a profile) finds it among the keys in flash
// instead of adding it to the key table in RAM (XS keeps every key it makes).
const BY_KEY: Readonly<Record<string, KeySpec>> = Object.freeze(
  Object.fromEntries(CONFIG_KEYS.map((spec) => [spec.key, spec])),
);

function specFor(key: string): KeySpec | undefined {
  return Object.hasOwn(BY_KEY, key) ? BY_KEY[key] : undefined;
}

// Each row with its Config field name and its parsed default.
const PLAN: readonly { readonly spec: KeySpec; readonly field: string; readonly parsedDefault: unknown }[] =
  Object.freeze(
    CONFIG_KEYS.map((spec) =>
      Object.freeze({
        spec,
        field: fieldName(spec.key),
        parsedDefault: spec.default === undefined ? undefined : spec.parse(spec.default, spec.key),
      }),
    ),
  );

/** Keys present in `raw` that neither the firmware nor the platform knows. */
export function unknownKeys(raw: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(raw).filter(
    (key) => specFor(key) === undefined && !PLATFORM_KEYS.includes(key) && !key.startsWith(SIMULATOR_KEY_PREFIX),
  );
}

/** `mc/config` as the device reads it at boot: an unknown key (a typo) is an error, then parseConfig. */
export function readConfig(given: Readonly<Record<string, unknown>>): Config {
  const unknown = unknownKeys(given);
  if (unknown.length > 0)
    throw new ConfigError(`config: unknown key ${unknown.join(", ")} (a typo? the keys are listed in the README)`);
  return parseConfig(given);
}

/**
 * Parses and validates every key; throws ConfigError naming the first bad one. An empty value
 * is refused, except by a key that says what empty means, and by mqtt_host, whose empty
 * placeholder in manifest.json means "not given" (a required key, or the profile's default).
 */
export function parseConfig(given: Readonly<Record<string, unknown>>): Config {
  if (given.profile === "") emptyValue(PROFILE);
  const profile = profileOf(given.profile ?? "local", "profile");
  const raw: Record<string, unknown> = { ...profile.defaults };
  for (const [key, value] of Object.entries(given))
    if (value !== undefined && !(value === "" && key === "mqtt_host")) raw[key] = value;
  const sensorId = String(valueOf(SENSOR_ID, raw, profile, "", SENSOR_ID.default));
  const values: Record<string, unknown> = {};
  for (const p of PLAN) values[p.field] = valueOf(p.spec, raw, profile, sensorId, p.parsedDefault);
  // The one assertion: `values` has a field per row, named and typed as Config derives them
  // (test/unit/config.test.ts holds the names to the table).
  const config = Object.freeze(values) as Config;
  if (config.mqttReconnectMax < config.mqttReconnectMin) {
    fail(
      "mqtt_reconnect_max",
      `must not be below mqtt_reconnect_min (${String(config.mqttReconnectMin / 1000)})`,
      raw.mqtt_reconnect_max ?? config.mqttReconnectMax / 1000,
    );
  }
  if (config.sleepMode === "deep") {
    // A board in deep sleep takes one reading per wake and keeps none in RAM between wakes.
    if (config.luxAverage > 1)
      fail(
        "lux_average",
        "must be 1 with sleep_mode=deep (a sleeping board keeps no readings to average)",
        raw.lux_average,
      );
    if (config.luxChange > 0)
      fail("lux_change", "must be 0 with sleep_mode=deep (each wake publishes its one reading)", raw.lux_change);
  }
  checkTopics(config);
  return config;
}

/**
 * One key's value: given (raw), else its default (parsed: `parsedDefault`), else `otherwise`; the profile's and the
 * row's rules first.
 */
function valueOf(
  spec: KeySpec,
  raw: Readonly<Record<string, unknown>>,
  profile: Profile,
  sensorId: string,
  parsedDefault: unknown,
): unknown {
  const value = raw[spec.key];
  const needed = profile.requires[spec.key];
  if ((value === undefined || value === "") && needed !== undefined) {
    throw new ConfigError(
      `config: ${spec.key} is required by profile=${profile.name} (${needed}); pass ${spec.key}=… to mcconfig or put it in secrets.json`,
    );
  }
  if (value === undefined && spec.required === true) {
    throw new ConfigError(`config: ${spec.key} is required (${spec.help}); pass ${spec.key}=… to mcconfig`);
  }
  if (value === "" && spec.empty === undefined) emptyValue(spec);
  if (value !== undefined) return spec.parse(value, spec.key);
  if (parsedDefault !== undefined) return parsedDefault;
  return spec.otherwise?.(sensorId);
}

function emptyValue(spec: KeySpec): never {
  const instead =
    spec.default !== undefined
      ? `leave ${spec.key} out for its default (${String(spec.default)})`
      : `leave ${spec.key} out`;
  throw new ConfigError(`config: ${spec.key} is empty; give a value (${spec.help}) or ${instead}`);
}

/** The device's topics (docs/device-api.md), derived from the configuration. */
export interface DeviceTopics {
  readonly readings: string;
  readonly state: string;
  readonly command: string;
  readonly result: string;
  readonly health: string;
  readonly status: string;
}

export function deviceTopics(config: Config): DeviceTopics {
  const id = config.sensorId;
  const losant = config.payloadFormat === "losant";
  const device = config.mqttClientId;
  return Object.freeze({
    readings: losant ? `losant/${device}/state` : config.mqttTopic,
    state: losant ? `losant/${device}/state` : `${id}/state`,
    command: losant ? `losant/${device}/command` : `${id}/command`,
    result: `${id}/result`,
    health: `${id}/health`,
    status: config.statusTopic,
  });
}

/**
 * Packet bytes besides the topic in the smallest QoS 1 PUBLISH: header (up to 5), topic length, id, 1 payload byte
 * (§3.3).
 */
const PUBLISH_OVERHEAD = 5 + 2 + 2 + 1;

/**
 * Every topic the configuration derives, checked as the MQTT client will check it and against
 * mqtt_max_packet, so a bad one is a ConfigError naming the key at boot, not a crash later.
 */
function checkTopics(c: Config): void {
  const t = deviceTopics(c);
  const losant = c.payloadFormat === "losant";
  const via = losant ? "mqtt_client_id" : "sensor_id";
  const own = c.statusTopic === `${c.sensorId}/status`;
  // [key, its value, a topic it makes]
  const topics: [string, string, string][] = [
    losant ? ["mqtt_client_id", c.mqttClientId, t.readings] : ["mqtt_topic", c.mqttTopic, t.readings],
    [via, losant ? c.mqttClientId : c.sensorId, t.state],
    [via, losant ? c.mqttClientId : c.sensorId, t.command],
    ["sensor_id", c.sensorId, t.result],
    ["sensor_id", c.sensorId, t.health],
    own ? ["sensor_id", c.sensorId, t.status] : ["status_topic", c.statusTopic, t.status],
  ];
  if (c.haDiscovery)
    topics.push(["ha_prefix", c.haPrefix, `${c.haPrefix}/sensor/${nodeId(c.sensorId)}/reconnects/config`]);
  for (const [key, value, topic] of topics) {
    let problem =
      key === "mqtt_client_id" && value.includes("/")
        ? "must not contain / (it is one level of the Losant topics)"
        : topicText(topic);
    if (problem === undefined) {
      try {
        checkTopicName(topic);
        const bytes = utf8Length(topic);
        if (bytes + PUBLISH_OVERHEAD > c.mqttMaxPacket)
          problem = `makes a topic of ${bytes} bytes, too long for any packet within mqtt_max_packet (${c.mqttMaxPacket})`;
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
    }
    if (problem !== undefined) fail(key, `${problem}; it makes the topic "${shown(topic)}"`, value);
  }
}
