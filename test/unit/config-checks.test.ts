// Configuration that used to crash or lie (issue 11, items 8, 9, 12): every topic the
// configuration derives is checked at boot and a bad one names its key; every interval key
// has a floor; an empty value is an error naming the key, except where the key table says
// what empty means (sntp="" is no time server).
import assert from "node:assert/strict";
import { test } from "node:test";
import { CONFIG_KEYS, ConfigError, parseConfig } from "../../src/config.js";
import { Board } from "../../host-sim/board.js";

function refused(config: Record<string, unknown>, message: RegExp): void {
  assert.throws(
    () => parseConfig({ mqtt_host: "127.0.0.1", ...config }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, message);
      return true;
    },
  );
}

const badTopics: [Record<string, unknown>, RegExp][] = [
  [{ sensor_id: "a+b" }, /^config: sensor_id must not contain the wildcards \+ or #/],
  [{ sensor_id: "lux/#" }, /^config: sensor_id must not contain the wildcards/],
  [{ sensor_id: "lux\u0000" }, /^config: sensor_id must not contain/],
  [{ sensor_id: "lux\u001b[2J" }, /^config: sensor_id must not contain control characters.*\(got "lux\\x1b\[2J"\)/],
  [{ sensor_id: "$SYS" }, /^config: sensor_id must not start with \$/],
  [{ sensor_id: "/lux" }, /^config: sensor_id must not start or end with \/ or contain \/\//],
  [{ sensor_id: "site//lux" }, /^config: sensor_id .*empty topic level/],
  [{ sensor_id: "lux/" }, /^config: sensor_id .*empty topic level/],
  [{ sensor_id: "lux-\ud800" }, /^config: sensor_id .*lone surrogate.*it makes the topic/],
  [
    { payload_format: "losant", mqtt_client_id: "dev+1", mqtt_user: "k", mqtt_password: "s" },
    /^config: mqtt_client_id must not contain the wildcards.*it makes the topic "losant\/dev\+1\/state"/,
  ],
  [
    { payload_format: "losant", mqtt_client_id: "a/b", mqtt_user: "k", mqtt_password: "s" },
    /^config: mqtt_client_id must not contain \/ \(it is one level of the Losant topics\)/,
  ],
  [{ status_topic: "status/+" }, /^config: status_topic must not contain the wildcards/],
  [{ status_topic: "$SYS/x" }, /^config: status_topic must not start with \$/],
  [{ mqtt_topic: "a\nb" }, /^config: mqtt_topic must not contain.*\(got "a\\nb"\)/],
  [{ ha_discovery: "1", ha_prefix: "ha/#" }, /^config: ha_prefix must not contain the wildcards/],
  [
    { mqtt_max_packet: "64", mqtt_topic: "x".repeat(60) },
    /^config: mqtt_topic makes a topic of 60 bytes, too long for any packet within mqtt_max_packet \(64\)/,
  ],
];
for (const [config, message] of badTopics) {
  test(`a topic the configuration derives is checked at boot: ${JSON.stringify(config).slice(0, 60)}`, () =>
    refused(config, message));
}

test("valid ids with levels and Unicode are kept", () => {
  assert.equal(parseConfig({ mqtt_host: "h", sensor_id: "site-2/lux-1" }).statusTopic, "site-2/lux-1/status");
  assert.equal(parseConfig({ mqtt_host: "h", sensor_id: "küche" }).sensorId, "küche");
});

test("sensor_id=a+b at boot: one config error line naming the key, the board idle, no exception (Node)", async () => {
  const lines: string[] = [];
  const board = new Board({
    config: { mqtt_host: "127.0.0.1", sensor_id: "a+b", ssid: "luxflow-sim" },
    trace: (t) => lines.push(t),
  });
  try {
    assert.equal(await board.boot(), undefined);
    assert.match(
      lines.join(""),
      /^luxflow error: config: sensor_id must not contain the wildcards \+ or #.*\(got "a\+b"\); the device is idle until it is reconfigured\n$/,
    );
  } finally {
    board.shutdown();
  }
});

const floors: [string, string, RegExp][] = [
  [
    "health_interval",
    "0.001",
    /^config: health_interval must be 0 \(off\) or a number of seconds from 1 to 86400 \(got "0.001"\)/,
  ],
  ["health_interval", "0.5", /health_interval must be 0 \(off\) or a number of seconds from 1/],
  ["health_interval", "-1", /health_interval must be 0 \(off\)/],
  ["sample_interval", "0.01", /^config: sample_interval must be a number of seconds from 0.1 to 86400/],
  ["mqtt_reconnect_min", "0.01", /^config: mqtt_reconnect_min must be a number of seconds from 0.1/],
  ["mqtt_reconnect_max", "0.05", /^config: mqtt_reconnect_max must be a number of seconds from 0.1/],
  ["mqtt_keepalive", "0.5", /^config: mqtt_keepalive must be a whole number from 0 to 65535/],
];
for (const [key, value, message] of floors) {
  test(`the interval key ${key} has a floor: ${value} is refused`, () => refused({ [key]: value }, message));
}

test("health_interval 0 is off, 1 is the floor", () => {
  assert.equal(parseConfig({ mqtt_host: "h", health_interval: "0" }).healthInterval, 0);
  assert.equal(parseConfig({ mqtt_host: "h", health_interval: "1" }).healthInterval, 1000);
});

test("an empty value is an error naming the key, not the default", () => {
  refused(
    { mqtt_port: "" },
    /^config: mqtt_port is empty; give a value \(MQTT broker TCP port\) or leave mqtt_port out for its default \(1883\)$/,
  );
  for (const key of [
    "sensor_id",
    "mqtt_topic",
    "sample_interval",
    "qos",
    "payload_format",
    "gain",
    "mqtt_clean",
    "health_interval",
    "mqtt_client_id",
    "status_topic",
    "i2c_data",
    "profile",
  ]) {
    refused({ [key]: "" }, new RegExp(`^config: ${key} is empty`));
  }
});

test("the keys where empty means something say so, and keep the empty value", () => {
  const config = parseConfig({
    mqtt_host: "h",
    sntp: "",
    ssid: "",
    password: "",
    mqtt_user: "",
    mqtt_password: "",
    mqtt_ca: "",
  });
  assert.equal(config.sntp, "", 'sntp="" is no time server, as the key table says');
  assert.equal(config.ssid, "");
  const empties = CONFIG_KEYS.filter((s) => s.empty !== undefined)
    .map((s) => s.key)
    .sort();
  assert.deepEqual(empties, ["mqtt_ca", "mqtt_password", "mqtt_user", "password", "sntp", "ssid"]);
  assert.throws(
    () => parseConfig({ mqtt_host: "" }),
    /^ConfigError: config: mqtt_host is required/,
    "the manifest's empty mqtt_host placeholder is 'not given'",
  );
  assert.equal(
    parseConfig({ profile: "losant", mqtt_host: "", mqtt_client_id: "d", mqtt_user: "k", mqtt_password: "s" }).mqttHost,
    "broker.losant.com",
  );
  assert.throws(
    () => parseConfig({ profile: "tls", mqtt_host: "h", mqtt_user: "", mqtt_password: "p" }),
    /mqtt_user is required by profile=tls/,
  );
});

test('sntp="" at boot: no time query, timestamps say uptime', async () => {
  const lines: string[] = [];
  const board = new Board({
    config: { mqtt_host: "127.0.0.1", sntp: "", ssid: "luxflow-sim" },
    trace: (t) => lines.push(t),
  });
  const app = await board.boot();
  try {
    assert.ok(app !== undefined, lines.join(""));
    board.run(() => app.time.networkUp());
    assert.deepEqual(
      [...board.lookups].filter((host) => host !== "127.0.0.1"),
      [],
      "no time server looked up (main.ts resolves it before asking SNTP)",
    );
    assert.equal(
      board.run(() => app.device.state().time_source),
      "uptime",
    );
    assert.ok(!lines.some((l) => /time: /.test(l)), lines.join(""));
  } finally {
    board.run(() => app?.stop());
    board.shutdown();
  }
});
