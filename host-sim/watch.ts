// Prints every message on a topic as a subscriber sees it, one `topic payload` line each,
// like `mosquitto_sub -v` — what `npm start` shows. It reaches the broker the way the board
// does (TLS, CA, user and password from the same configuration).
import { readFileSync } from "node:fs";
import { connect, type MqttClient } from "mqtt";
import type { Config } from "../src/config.js";

export interface Watcher {
  readonly client: MqttClient;
  close(): Promise<void>;
}

export function watchTopic(
  config: Config,
  topic: string,
  onLine: (topic: string, payload: string) => void,
  onProblem: (message: string) => void,
): Watcher {
  const client = connect({
    host: config.mqttHost,
    port: config.mqttPort,
    protocol: config.mqttTls ? "mqtts" : "mqtt",
    ...(config.mqttTls && config.mqttCa !== "" ? { ca: readFileSync(config.mqttCa) } : {}),
    ...(config.mqttUser !== "" ? { username: config.mqttUser } : {}),
    ...(config.mqttPassword !== "" ? { password: config.mqttPassword } : {}),
    protocolVersion: 4,
    clientId: `luxflow-watch-${process.pid}`,
    reconnectPeriod: 1000,
  });
  let reported = false;
  client.on("connect", () => {
    reported = false;
    client.subscribe(topic, { qos: 1 });
  });
  client.on("error", (error) => {
    if (!reported) onProblem(`watcher: ${error.message}`);
    reported = true;
  });
  client.on("message", (received, payload) => onLine(received, payload.toString("utf8")));
  return {
    client,
    close: () => new Promise<void>((resolve) => client.end(true, {}, () => resolve())),
  };
}
