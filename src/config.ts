// The firmware's configuration keys: one table, read by the device at boot (from
// `mc/config`, where `mcconfig key=value` values arrive as strings) and by the host
// simulator's command line, so a key is spelled and validated the same everywhere.
// A bad value is a ConfigError naming the key, the rule and the value given (never the value
// of a secret key). An empty value is an error naming the key, unless the key says what empty
// means (`empty` below). `profile=` (src/profiles.ts) supplies defaults and required keys.
// Every topic the configuration derives is checked here, at boot, with the MQTT client's rules.
import { nodeId } from "./discovery.js";
import { printable as shown } from "./log.js";
import { checkTopicName } from "./mqtt/encode.js";
import { utf8Length } from "./mqtt/utf8.js";
import { PROFILES, profileNamed } from "./profiles.js";

export class ConfigError extends Error {
  override name = "ConfigError";
}

type Raw = unknown;

/** One key: its name in mcconfig/manifest/simulator, default, one-line help, and parser. */
export interface KeySpec {
  readonly key: string;
  /** Printed in help and README; undefined = no default (optional or required). */
  readonly default?: string | number | boolean;
  readonly required?: boolean;
  /** A password or key: its value is never shown in an error, a log line or the state. */
  readonly secret?: boolean;
  /** What an empty value means; keys without it refuse an empty value. */
  readonly empty?: string;
  readonly help: string;
  parse(value: Raw, key: string): unknown;
}

function fail(key: string, rule: string, value: Raw): never {
  const got = specFor(key)?.secret === true ? "a secret, not shown" : typeof value === "string" ? `"${shown(value)}"` : shown(String(value));
  throw new ConfigError(`config: ${key} ${rule} (got ${got})`);
}

// The rule factories below copy their arguments into constants before making the parser: a
// parser made at preload keeps what it captures in flash, and xsl reports a captured parameter
// (a writable binding) as `no const`.
function integer(lowest: number, highest: number) {
  const min = lowest;
  const max = highest;
  return (value: Raw, key: string): number => {
    const n = typeof value === "number" ? value : typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) fail(key, `must be a whole number from ${min} to ${max}`, value);
    return n;
  };
}

function decimal(lowest: number, highest: number, units: string) {
  const min = lowest;
  const max = highest;
  const unit = units;
  return (value: Raw, key: string): number => {
    const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
    if (!Number.isFinite(n) || n < min || n > max) fail(key, `must be a number of ${unit} from ${min} to ${max}`, value);
    return n;
  };
}

/**
 * 0 (off) or a number of seconds from `lowest` to `highest`: a floor, so a typo cannot flood the
 * broker. The bounds are copied into constants: a parser made at preload keeps its captures in
 * flash, and xsl reports a captured parameter (a writable binding) as `no const`.
 */
function offOrSeconds(lowest: number, highest: number) {
  const min = lowest;
  const max = highest;
  return (value: Raw, key: string): number => {
    const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
    if (!Number.isFinite(n) || (n !== 0 && (n < min || n > max))) fail(key, `must be 0 (off) or a number of seconds from ${min} to ${max}`, value);
    return n;
  };
}

function text(shortest: number, longest: number, rule?: (s: string) => string | undefined) {
  const minLength = shortest;
  const maxLength = longest;
  const check = rule;
  return (value: Raw, key: string): string => {
    if (typeof value !== "string" && typeof value !== "number") fail(key, "must be text", value);
    const s = String(value);
    if (s.length < minLength || s.length > maxLength) {
      fail(key, minLength > 0 ? `must be ${minLength} to ${maxLength} characters` : `must be at most ${maxLength} characters`, value);
    }
    const problem = check?.(s);
    if (problem !== undefined) fail(key, problem, value);
    return s;
  };
}

function choice<T extends string>(...names: T[]) {
  const options: readonly T[] = Object.freeze(names);
  return (value: Raw, key: string): T => {
    const s = String(value) as T;
    if (!options.includes(s)) fail(key, `must be one of ${options.join(", ")}`, value);
    return s;
  };
}

function flag(value: Raw, key: string): boolean {
  if (value === true || value === 1 || value === "1" || value === "true") return true;
  if (value === false || value === 0 || value === "0" || value === "false") return false;
  return fail(key, "must be 1 or 0 (true or false)", value);
}

// A topic name or part of one: no wildcards [MQTT-3.3.2-2] [MQTT-4.7.1-1], no NUL
// [MQTT-4.7.3-2], no control characters (they SHOULD NOT appear [MQTT-1.5.3]), and not the
// broker's own `$` topics [MQTT-4.7.2-1].
const topicText = (s: string): string | undefined =>
  /[+#\u0000-\u001f\u007f-\u009f]/.test(s) ? "must not contain the wildcards + or #, a NUL or another control character"
    : s.startsWith("$") ? "must not start with $ (topics starting with $ are the broker's [MQTT-4.7.2-1])"
      : undefined;

// A name used as topic levels (<sensor_id>/state): a topic text without an empty level.
const topicLevels = (s: string): string | undefined =>
  plainText(s) ?? topicText(s) ?? (/^\/|\/\/|\/$/.test(s) ? "must not start or end with / or contain // (an empty topic level)" : undefined);

// A host: a dotted IPv4 address or a DNS name (RFC 1123 labels).
const hostName = (s: string): string | undefined =>
  /^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$/.test(s) ? undefined : "must be an IPv4 address or a host name";

const plainText = (s: string): string | undefined =>
  /[\u0000-\u001f"\\]/.test(s) ? "must not contain control characters, quotes or backslashes" : undefined;

/** The floors of the interval keys, seconds (set_interval takes the same). */
export const SAMPLE_FLOOR_S = 0.1;
export const HEALTH_FLOOR_S = 1;

export const CONFIG_KEYS: readonly KeySpec[] = Object.freeze(([
  { key: "profile", default: "local", help: `Connection profile: ${PROFILES.map((p) => p.name).join(", ")} (defaults and required keys for the broker)`, parse: choice(...PROFILES.map((p) => p.name)) },
  { key: "sensor_id", default: "lux-1", help: "Sensor name, first element of every reading", parse: text(1, 64, topicLevels) },
  { key: "mqtt_host", required: true, help: "MQTT broker: IPv4 address or host name (resolved on the device)", parse: text(1, 253, hostName) },
  { key: "mqtt_port", default: 1883, help: "MQTT broker TCP port", parse: integer(1, 65535) },
  { key: "mqtt_topic", default: "sensor-data", help: "Topic the readings are published to", parse: text(1, 256, topicText) },
  { key: "mqtt_client_id", help: "MQTT client id (default: sensor_id); must be unique per broker", parse: text(1, 64, plainText) },
  { key: "mqtt_user", empty: "anonymous", help: "MQTT user name (none: connect anonymously)", parse: text(0, 256) },
  { key: "mqtt_password", secret: true, empty: "none", help: "MQTT password (never logged); keep it in secrets.json", parse: text(0, 256) },
  { key: "mqtt_keepalive", default: 30, help: "MQTT keepalive in seconds; a dead link is noticed within 1.5x (0 = off)", parse: integer(0, 65535) },
  { key: "mqtt_clean", default: 1, help: "1 = clean session; 0 = persistent session (the broker keeps subscriptions and QoS 1/2 state)", parse: flag },
  { key: "mqtt_tls", default: 0, help: "1 = MQTT over TLS (mqtts; usually port 8883)", parse: flag },
  { key: "mqtt_ca", empty: "the built-in roots", help: "CA certificate for mqtt_tls: a DER resource name on a device, a PEM file in the simulator (default: built-in roots)", parse: text(0, 256) },
  { key: "mqtt_reconnect_min", default: 1, help: "Shortest wait before reconnecting, seconds (jittered, doubling)", parse: decimal(0.1, 3600, "seconds") },
  { key: "mqtt_reconnect_max", default: 60, help: "Longest wait before reconnecting, seconds", parse: decimal(0.1, 86400, "seconds") },
  { key: "mqtt_max_packet", default: 4096, help: "Largest MQTT packet sent or accepted, bytes (a larger one is an error, never a silent drop)", parse: integer(64, 268435455) },
  { key: "mqtt_inflight", default: 8, help: "QoS 1/2 publishes awaiting acknowledgement at once", parse: integer(1, 65535) },
  { key: "status_topic", help: "Retained status topic: online while connected, offline (the will) when not (default: <sensor_id>/status)", parse: text(1, 256, topicText) },
  { key: "qos", default: 1, help: "QoS of the readings: 0, 1 or 2", parse: integer(0, 2) },
  { key: "payload_format", default: "thingflow", help: "thingflow: [\"id\", ts, lux]; json: {sensor_id, ts, val, seq, raw counts, …}; losant: {data, time} on losant/<client id>/state", parse: choice("thingflow", "json", "losant") },
  { key: "queue_bytes", default: 4096, help: "Readings held while offline, bytes; when full the oldest go first and are counted", parse: integer(512, 1048576) },
  { key: "queue_persist", default: 0, help: "1 = readings taken while offline are also kept in flash (preference) and sent after a reboot", parse: flag },
  { key: "queue_persist_max", default: 32, help: "Most offline readings kept in flash (the oldest go first)", parse: integer(1, 256) },
  { key: "health_interval", default: 60, help: `Seconds between health reports on <sensor_id>/health: 0 = off, else ${HEALTH_FLOOR_S} to 86400`, parse: offOrSeconds(HEALTH_FLOOR_S, 86400) },
  { key: "sntp", default: "pool.ntp.org", empty: "no time server", help: "Network time server (\"\" = none: timestamps are seconds since boot)", parse: text(0, 253, (s) => (s === "" ? undefined : hostName(s))) },
  { key: "ha_discovery", default: 0, help: "1 = publish Home Assistant MQTT discovery (retained) for lux and health values", parse: flag },
  { key: "ha_prefix", default: "homeassistant", help: "Home Assistant discovery prefix", parse: text(1, 64, topicText) },
  { key: "sample_interval", default: 5, help: `Seconds between readings (${SAMPLE_FLOOR_S} to 86400)`, parse: decimal(SAMPLE_FLOOR_S, 86400, "seconds") },
  { key: "sleep_mode", default: "none", help: "none: always on; deep: wake every sample_interval, publish at QoS 1, sleep once delivered (or after awake_max)", parse: choice("none", "deep") },
  { key: "awake_max", default: 10, help: "sleep_mode=deep: longest stay awake per wake, seconds; what is not delivered by then stays queued for the next wake", parse: decimal(1, 600, "seconds") },
  { key: "gain", default: "medium", help: "TSL2591 gain: low, medium, high, max (the first range auto-range tries)", parse: choice("low", "medium", "high", "max") },
  { key: "integration", default: 100, help: "TSL2591 integration time, ms: 100 to 600 in steps of 100", parse: (v: Raw, k: string) => { const n = integer(100, 600)(v, k); if (n % 100 !== 0) fail(k, "must be 100, 200, 300, 400, 500 or 600", v); return n; } },
  { key: "auto_range", default: 1, help: "1 = step gain and integration time to keep the sensor in range; 0 = fixed gain and integration", parse: flag },
  { key: "ssid", empty: "the board's existing network", help: "Wi-Fi network to join (none: use the board's existing network)", parse: text(0, 32) },
  { key: "password", secret: true, empty: "an open network", help: "Wi-Fi password (never logged); keep it in secrets.json", parse: text(0, 64) },
  { key: "i2c_data", help: "I2C SDA pin (default: the board's I2C.default)", parse: integer(0, 48) },
  { key: "i2c_clock", help: "I2C SCL pin (default: the board's I2C.default)", parse: integer(0, 48) },
  { key: "i2c_hz", default: 100000, help: "I2C bus speed in Hz (the TSL2591 allows up to 400000)", parse: integer(10000, 400000) },
] satisfies KeySpec[]).map((spec) => Object.freeze(spec)));

/**
 * Keys the Moddable SDK itself puts into `mc/config`, read from the generated mc.config.js of
 * SDK 8.2.3 builds: `format` and `rotation` on every platform (tools/mcconfig.js, display
 * defaults), `file` on lin (modules/files/file/manifest.json: `file.root`), `tls` on esp32
 * (the TLS socket's ssl manifest). `led`, `button`, `screen`, `touch` and `driver` are set by
 * some boards' manifests. The firmware ignores them; any other unknown key is a typo.
 */
export const PLATFORM_KEYS: readonly string[] = Object.freeze(["format", "rotation", "file", "tls", "led", "button", "screen", "touch", "driver"]);

/** Keys of the simulated board (`sim_lux`, `sim_fault`, …): its provider reads them, the firmware does not. */
export const SIMULATOR_KEY_PREFIX = "sim_";

export interface Config {
  readonly profile: string;
  readonly sensorId: string;
  readonly mqttHost: string;
  readonly mqttPort: number;
  readonly mqttTopic: string;
  readonly mqttClientId: string;
  readonly mqttUser: string;
  readonly mqttPassword: string;
  readonly mqttKeepalive: number;
  readonly mqttClean: boolean;
  readonly mqttTls: boolean;
  readonly mqttCa: string;
  /** Milliseconds. */
  readonly mqttReconnectMin: number;
  readonly mqttReconnectMax: number;
  readonly mqttMaxPacket: number;
  readonly mqttInflight: number;
  readonly statusTopic: string;
  readonly qos: 0 | 1 | 2;
  readonly payloadFormat: "thingflow" | "json" | "losant";
  readonly queueBytes: number;
  readonly queuePersist: boolean;
  readonly queuePersistMax: number;
  /** Milliseconds; 0 = off. */
  readonly healthInterval: number;
  readonly sntp: string;
  readonly haDiscovery: boolean;
  readonly haPrefix: string;
  /** Milliseconds. */
  readonly sampleInterval: number;
  readonly sleepMode: "none" | "deep";
  /** Milliseconds. */
  readonly awakeMax: number;
  readonly gain: "low" | "medium" | "high" | "max";
  readonly integration: number;
  readonly autoRange: boolean;
  readonly ssid: string;
  readonly password: string;
  readonly i2cData: number | undefined;
  readonly i2cClock: number | undefined;
  readonly i2cHz: number;
}

function specFor(key: string): KeySpec | undefined {
  return CONFIG_KEYS.find((spec) => spec.key === key);
}

/** Keys present in `raw` that neither the firmware nor the platform knows. */
export function unknownKeys(raw: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(raw).filter((key) => specFor(key) === undefined && !PLATFORM_KEYS.includes(key) && !key.startsWith(SIMULATOR_KEY_PREFIX));
}

/**
 * Parses and validates every key; throws ConfigError naming the first bad one. An empty value
 * is refused, except by a key that says what empty means, and by mqtt_host, whose empty
 * placeholder in manifest.json means "not given" (a required key, or the profile's default).
 */
export function parseConfig(given: Readonly<Record<string, unknown>>): Config {
  if (given.profile === "") emptyValue(specFor("profile")!);
  const profileName = given.profile === undefined ? "local" : String(given.profile);
  const profile = profileNamed(specFor("profile")!.parse(profileName, "profile") as string)!;
  const raw: Record<string, unknown> = { ...profile.defaults };
  for (const [key, value] of Object.entries(given)) if (value !== undefined && !(value === "" && key === "mqtt_host")) raw[key] = value;
  const values: Record<string, unknown> = {};
  for (const spec of CONFIG_KEYS) {
    const value = raw[spec.key];
    const needed = profile.requires[spec.key];
    if ((value === undefined || value === "") && needed !== undefined) {
      throw new ConfigError(`config: ${spec.key} is required by profile=${profile.name} (${needed}); pass ${spec.key}=… to mcconfig or put it in secrets.json`);
    }
    if (value === undefined && spec.required) {
      throw new ConfigError(`config: ${spec.key} is required (${spec.help}); pass ${spec.key}=… to mcconfig`);
    }
    if (value === "" && spec.empty === undefined) emptyValue(spec);
    values[spec.key] = value !== undefined ? spec.parse(value, spec.key) : spec.default;
  }
  const sensorId = values.sensor_id as string;
  if ((values.mqtt_reconnect_max as number) < (values.mqtt_reconnect_min as number)) {
    fail("mqtt_reconnect_max", `must not be below mqtt_reconnect_min (${String(values.mqtt_reconnect_min)})`, raw.mqtt_reconnect_max ?? values.mqtt_reconnect_max);
  }
  const config = build(profile.name, sensorId, values);
  checkTopics(config);
  return config;
}

function emptyValue(spec: KeySpec): never {
  const instead = spec.default !== undefined ? `leave ${spec.key} out for its default (${String(spec.default)})` : `leave ${spec.key} out`;
  throw new ConfigError(`config: ${spec.key} is empty; give a value (${spec.help}) or ${instead}`);
}

function build(profileName: string, sensorId: string, values: Readonly<Record<string, unknown>>): Config {
  return Object.freeze({
    profile: profileName,
    sensorId,
    mqttHost: values.mqtt_host as string,
    mqttPort: values.mqtt_port as number,
    mqttTopic: values.mqtt_topic as string,
    mqttClientId: (values.mqtt_client_id as string | undefined) ?? sensorId,
    mqttUser: (values.mqtt_user as string | undefined) ?? "",
    mqttPassword: (values.mqtt_password as string | undefined) ?? "",
    mqttKeepalive: values.mqtt_keepalive as number,
    mqttClean: flag(values.mqtt_clean, "mqtt_clean"),
    mqttTls: flag(values.mqtt_tls, "mqtt_tls"),
    mqttCa: (values.mqtt_ca as string | undefined) ?? "",
    mqttReconnectMin: Math.round((values.mqtt_reconnect_min as number) * 1000),
    mqttReconnectMax: Math.round((values.mqtt_reconnect_max as number) * 1000),
    mqttMaxPacket: values.mqtt_max_packet as number,
    mqttInflight: values.mqtt_inflight as number,
    statusTopic: (values.status_topic as string | undefined) ?? `${sensorId}/status`,
    qos: values.qos as 0 | 1 | 2,
    payloadFormat: values.payload_format as "thingflow" | "json" | "losant",
    queueBytes: values.queue_bytes as number,
    queuePersist: flag(values.queue_persist, "queue_persist"),
    queuePersistMax: values.queue_persist_max as number,
    healthInterval: Math.round((values.health_interval as number) * 1000),
    sntp: values.sntp as string,
    haDiscovery: flag(values.ha_discovery, "ha_discovery"),
    haPrefix: values.ha_prefix as string,
    sampleInterval: Math.round((values.sample_interval as number) * 1000),
    sleepMode: values.sleep_mode as "none" | "deep",
    awakeMax: Math.round((values.awake_max as number) * 1000),
    gain: values.gain as "low" | "medium" | "high" | "max",
    integration: values.integration as number,
    autoRange: flag(values.auto_range, "auto_range"),
    ssid: (values.ssid as string | undefined) ?? "",
    password: (values.password as string | undefined) ?? "",
    i2cData: values.i2c_data as number | undefined,
    i2cClock: values.i2c_clock as number | undefined,
    i2cHz: values.i2c_hz as number,
  });
}

/** The device's topics (docs/device-api.md), derived from the configuration. */
export interface Topics {
  readonly readings: string;
  readonly state: string;
  readonly command: string;
  readonly result: string;
  readonly health: string;
  readonly status: string;
}

export function deviceTopics(config: Config): Topics {
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

/** Packet bytes besides the topic in the smallest QoS 1 PUBLISH: header (up to 5), topic length, id, 1 payload byte (§3.3). */
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
    [via, losant ? c.mqttClientId : c.sensorId, t.state], [via, losant ? c.mqttClientId : c.sensorId, t.command],
    ["sensor_id", c.sensorId, t.result], ["sensor_id", c.sensorId, t.health],
    own ? ["sensor_id", c.sensorId, t.status] : ["status_topic", c.statusTopic, t.status],
  ];
  if (c.haDiscovery) topics.push(["ha_prefix", c.haPrefix, `${c.haPrefix}/sensor/${nodeId(c.sensorId)}/reconnects/config`]);
  for (const [key, value, topic] of topics) {
    let problem = key === "mqtt_client_id" && value.includes("/") ? "must not contain / (it is one level of the Losant topics)" : topicText(topic);
    if (problem === undefined) {
      try {
        checkTopicName(topic);
        const bytes = utf8Length(topic);
        if (bytes + PUBLISH_OVERHEAD > c.mqttMaxPacket) problem = `makes a topic of ${bytes} bytes, too long for any packet within mqtt_max_packet (${c.mqttMaxPacket})`;
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
    }
    if (problem !== undefined) fail(key, `${problem}; it makes the topic "${shown(topic)}"`, value);
  }
}
