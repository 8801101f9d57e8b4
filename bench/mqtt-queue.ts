// `npm run bench:queue`: readings held by the offline queue (queue_bytes), per payload format,
// as the firmware stores them now (a RECORD_BYTES record per reading, rendered when sent) and
// as it stored them before (each reading's encoded PUBLISH packet, which is still how the
// client queues any other message). Both counted by filling a real, offline MqttConnection
// with 1,000 realistic readings at QoS 1 and reading how many it kept.
import { VirtualClock } from "../host-sim/clock.js";
import { parseConfig } from "../src/config.js";
import { MqttConnection } from "../src/mqtt/connection.js";
import { utf8Encode } from "../src/mqtt/utf8.js";
import { formatPayload, RECORD_BYTES, type PayloadFormat, type Reading } from "../src/payload.js";
import type { Logger } from "../src/platform.js";
import { ReadingWriter } from "../src/writer.js";

const quiet: Logger = { info() {}, warn() {}, error() {} };
const config = parseConfig({ mqtt_host: "127.0.0.1" });

function reading(seq: number): Reading {
  const full = 2000 + ((seq * 7919) % 3000);
  return {
    sensorId: config.sensorId,
    timestamp: 1795355431 + seq,
    value: Math.round(full * 0.1187 * 10000 + seq) / 10000,
    seq,
    timeSource: "sntp",
    boot: 12,
    raw: { full, ir: Math.round(full * 0.2), gain: "medium", integration: 100, saturated: false, calibration: 408.1 },
  };
}

function offline(queueBytes: number): MqttConnection {
  const clock = new VirtualClock(0);
  return new MqttConnection({
    socket: () => {
      throw new Error("offline");
    },
    resolve: (_h, cb) => cb(undefined),
    timers: clock,
    clock,
    log: quiet,
    host: "127.0.0.1",
    port: 1883,
    clientId: config.mqttClientId,
    keepalive: 30,
    outbox: queueBytes,
  });
}

function held(format: PayloadFormat, queueBytes: number, records: boolean): number {
  const conn = offline(queueBytes);
  const writer = new ReadingWriter(conn, quiet, {
    topic: config.mqttTopic,
    qos: 1,
    format,
    sensorId: config.sensorId,
    boot: 12,
  });
  for (let seq = 1; seq <= 1000; seq++) {
    if (records) writer.onNext(reading(seq));
    else conn.publish(config.mqttTopic, utf8Encode(formatPayload(format, reading(seq))), { qos: 1 });
  }
  return conn.stats.queued;
}

console.log(
  `offline queue: readings held (QoS 1, topic "${config.mqttTopic}", 1,000 readings offered; record ${RECORD_BYTES} B + 3 B slot)`,
);
for (const queueBytes of [config.queueBytes, 16384]) {
  console.log(
    `  queue_bytes=${queueBytes}${queueBytes === config.queueBytes ? " (the default, ESP8266 and ESP32)" : ""}:`,
  );
  for (const format of ["thingflow", "json", "losant"] as const) {
    const before = held(format, queueBytes, false);
    const now = held(format, queueBytes, true);
    const perKb = (n: number) => (n / (queueBytes / 1024)).toFixed(1);
    console.log(
      `    ${format.padEnd(9)} as records: ${String(now).padStart(4)} readings (${perKb(now)} per KB); as encoded packets (before): ${String(before).padStart(4)} (${perKb(before)} per KB); ${(now / before).toFixed(1)}x`,
    );
  }
}
