import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  CONFIG_KEYS,
  ConfigError,
  fieldName,
  parseConfig,
  PLATFORM_KEYS,
  readConfig,
  unknownKeys,
} from "../../src/config.js";

const manifest = JSON.parse(readFileSync(new URL("../../../manifest.json", import.meta.url), "utf8")) as {
  config: Record<string, unknown>;
  platforms: Record<string, { config?: Record<string, unknown> }>;
};

test("defaults are the issue's: lux-1, 1883, sensor-data, 5 s", () => {
  const config = parseConfig({ mqtt_host: "10.0.0.5" });
  assert.equal(config.sensorId, "lux-1");
  assert.equal(config.mqttPort, 1883);
  assert.equal(config.mqttTopic, "sensor-data");
  assert.equal(config.sampleInterval, 5000);
  assert.equal(config.mqttClientId, "lux-1");
  assert.equal(config.ssid, "");
});

test("mcconfig values arrive as strings and parse like the manifest's numbers", () => {
  const fromCli = parseConfig({
    mqtt_host: "broker.local",
    mqtt_port: "8883",
    sample_interval: "0.5",
    sensor_id: "lux-2",
  });
  assert.equal(fromCli.mqttPort, 8883);
  assert.equal(fromCli.sampleInterval, 500);
  assert.equal(fromCli.sensorId, "lux-2");
  assert.equal(fromCli.mqttClientId, "lux-2");
  assert.equal(parseConfig({ mqtt_host: "h", mqtt_port: 8883 }).mqttPort, 8883);
});

test("the lux filters need sleep_mode=none: with deep sleep each is an error naming it", () => {
  assert.throws(
    () => parseConfig({ mqtt_host: "h", sleep_mode: "deep", lux_average: "4" }),
    /^ConfigError: config: lux_average must be 1 with sleep_mode=deep \(a sleeping board keeps no readings to average\) \(got "4"\)$/,
  );
  assert.throws(
    () => parseConfig({ mqtt_host: "h", sleep_mode: "deep", lux_change: 10 }),
    /^ConfigError: config: lux_change must be 0 with sleep_mode=deep .*\(got 10\)$/,
  );
  const config = parseConfig({ mqtt_host: "h", lux_average: "4", lux_change: "2.5", lux_heartbeat: "300" });
  assert.deepEqual([config.luxAverage, config.luxChange, config.luxHeartbeat], [4, 2.5, 300_000]);
});

test("a missing mqtt_host names the key", () => {
  assert.throws(
    () => parseConfig({ ...manifest.config }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /^config: mqtt_host is required/);
      return true;
    },
  );
});

const bad: [string, unknown, RegExp][] = [
  ["mqtt_port", "0", /mqtt_port must be a whole number from 1 to 65535 \(got "0"\)/],
  ["mqtt_port", "18x3", /mqtt_port must be a whole number/],
  ["mqtt_port", 70000, /mqtt_port .* \(got 70000\)/],
  ["sample_interval", "fast", /sample_interval must be a number of seconds from 0.1 to 86400/],
  ["sample_interval", "0", /sample_interval/],
  ["mqtt_topic", "sensors/#", /mqtt_topic must not contain the wildcards/],
  ["mqtt_topic", "a+b", /mqtt_topic must not contain the wildcards/],
  ["mqtt_host", "not a host", /mqtt_host must be an IPv4 address or a host name/],
  ["sensor_id", 'say "hi"', /sensor_id must not contain control characters, quotes/],
  ["ssid", "x".repeat(33), /ssid must be at most 32 characters/],
  ["i2c_hz", "1000000", /i2c_hz must be a whole number from 10000 to 400000/],
  ["lux_average", "0", /lux_average must be a whole number from 1 to 64 \(got "0"\)/],
  ["lux_change", "-1", /lux_change must be a number of lux from 0 to 100000 \(got "-1"\)/],
  ["lux_heartbeat", "0.5", /lux_heartbeat must be 0 \(off\) or a number of seconds from 1 to 86400/],
];
for (const [key, value, message] of bad) {
  test(`a bad ${key} (${String(value).slice(0, 12)}) is a ConfigError naming it`, () => {
    assert.throws(
      () => parseConfig({ mqtt_host: "127.0.0.1", [key]: value }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, message);
        return true;
      },
    );
  });
}

// The keys mcconfig (Moddable SDK 8.2.3) itself put into the generated mc.config.js of each
// build of this manifest, beside the manifest's own: a board that rejects them never starts.
// They go through readConfig, the check the device runs on `mc/config` at boot.
const SDK_ADDED: Readonly<Record<string, Record<string, unknown>>> = {
  "esp32/nodemcu": { tls: { DHE_RSA: true, ECDHE_RSA: true }, format: "RGB565LE", rotation: 0 },
  "esp/nodemcu": { format: "RGB565LE", rotation: 0 },
  "lin": { file: { root: "/tmp/" }, format: "RGB565LE", rotation: 0 },
};
for (const [build, added] of Object.entries(SDK_ADDED)) {
  test(`${build}: the keys mcconfig adds to mc/config pass, and a typo beside them is still named`, () => {
    const raw = { ...manifest.config, mqtt_host: "127.0.0.1", ...added };
    for (const key of Object.keys(added)) assert.ok(PLATFORM_KEYS.includes(key), `${key} is one of PLATFORM_KEYS`);
    const config = readConfig(raw);
    assert.equal(config.sensorId, "lux-1");
    assert.equal(config.mqttHost, "127.0.0.1");
    assert.throws(
      () => readConfig({ ...raw, mqtt_hots: "x" }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.message, "config: unknown key mqtt_hots (a typo? the keys are listed in the README)");
        return true;
      },
    );
    for (const key of Object.keys(added)) {
      const { [key]: kept, ...others } = added;
      assert.throws(
        () => readConfig({ ...manifest.config, mqtt_host: "127.0.0.1", ...others, [`${key}x`]: kept }),
        new RegExp(`unknown key ${key}x `),
      );
    }
  });
}

test("Config has one field per key, the key in camelCase, and parses every default", () => {
  const config = parseConfig({ mqtt_host: "h" });
  assert.deepEqual(
    Object.keys(config),
    CONFIG_KEYS.map((spec) => fieldName(spec.key)),
  );
  assert.deepEqual(
    [fieldName("mqtt_reconnect_min"), fieldName("i2c_data"), fieldName("qos")],
    ["mqttReconnectMin", "i2cData", "qos"],
  );
  assert.equal(config.i2cData, undefined, "no default and no otherwise: undefined");
  assert.equal(config.statusTopic, "lux-1/status");
  assert.equal(config.mqttUser, "");
  assert.equal(config.mqttReconnectMax, 60_000, "durations in milliseconds");
  assert.equal(config.healthInterval, 60_000);
  assert.equal(config.awakeMax, 10_000);
  assert.equal(config.mqttClean, true);
  assert.equal(config.qos, 1);
  assert.ok(Object.isFrozen(config));
});

test("the simulated board's sim_ keys (read by its provider on -p lin) are not the firmware's typos", () => {
  assert.deepEqual(unknownKeys({ mqtt_host: "h", sim_lux: "1000", sim_fault: "nack", simlux: "1" }), ["simlux"]);
});

test("the manifest's config uses the firmware's keys and defaults", () => {
  const known = new Set(CONFIG_KEYS.map((spec) => spec.key));
  const platformConfigs = Object.values(manifest.platforms).map((platform) => platform.config ?? {});
  for (const config of [manifest.config, ...platformConfigs]) {
    for (const [key, value] of Object.entries(config)) {
      assert.ok(known.has(key), `manifest config key ${key} is not a firmware key`);
      const spec = CONFIG_KEYS.find((s) => s.key === key);
      if (spec?.default !== undefined && config === manifest.config)
        assert.equal(value, spec.default, `default of ${key}`);
      if (value !== "") spec?.parse(value, key);
    }
  }
});

test("a bad value of a secret key is named, never shown; another key's value is", () => {
  for (const [key, value] of [
    ["mqtt_password", "p".repeat(300)],
    ["password", "w".repeat(65)],
  ] as const) {
    assert.throws(
      () => parseConfig({ mqtt_host: "10.0.0.5", [key]: value }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.startsWith(`config: ${key} must be at most `) &&
        e.message.endsWith("(got a secret, not shown)") &&
        !e.message.includes(value),
    );
  }
  assert.throws(() => parseConfig({ mqtt_host: "10.0.0.5", mqtt_user: "u".repeat(300) }), /\(got "uuu/);
});
