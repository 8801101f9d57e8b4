// The application: join the network, keep an MQTT connection, and every sample_interval
// publish the light reading to mqtt_topic. Everything it touches comes in through
// AppPlatform (src/platform.ts), so the same code runs on the board (src/main.ts wires
// the Moddable modules), in the host simulator and under test with virtual time.
import { ConfigError, parseConfig, unknownKeys, type Config } from "./config.js";
import { LightSource, type SensorBus } from "./light.js";
import { MqttConnection } from "./mqtt/connection.js";
import { utf8Encode } from "./mqtt/utf8.js";
import { formatPayload, type Reading } from "./payload.js";
import type { Clock, Logger, NetworkLink, Resolver, SocketFactory, Timers } from "./platform.js";
import { Scheduler, type Sink } from "./scheduler.js";
import { wifiLink, type WiFiModule } from "./wifi-link.js";

export interface AppPlatform {
  /** `mc/config`: the manifest's config with mcconfig's key=value arguments over it. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly timers: Timers;
  readonly clock: Clock;
  readonly log: Logger;
  readonly wifi: WiFiModule;
  /** The station's IP address, for log lines (Moddable `Net.get("IP")`). */
  readonly address: () => string | number | undefined;
  readonly resolve: Resolver;
  readonly socket: SocketFactory;
  /** TLS sockets to `host` trusting `ca` (a CA resource name on a device; "" = built-in roots). */
  readonly tls: (host: string, ca: string) => SocketFactory;
  /** The SMBus class and the board's default I2C pins, if the board names them. */
  readonly i2c: { readonly io: SensorBus["io"]; readonly data?: number; readonly clock?: number };
}

export interface App {
  readonly config: Config;
  readonly light: LightSource;
  readonly connection: MqttConnection;
  readonly stats: { published: number; rejected: number };
  stop(): void;
}

/** Validates the configuration and starts the device; a bad configuration is logged, not thrown. */
export function startApp(platform: AppPlatform): App | undefined {
  const { timers, clock, log } = platform;
  let config: Config;
  try {
    config = parseConfig(platform.config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    log.error(`${error.message}; the device is idle until it is reconfigured`);
    return undefined;
  }
  for (const key of unknownKeys(platform.config)) log.warn(`config: unknown key ${key} ignored`);

  const data = config.i2cData ?? platform.i2c.data;
  const sclPin = config.i2cClock ?? platform.i2c.clock;
  if (data === undefined || sclPin === undefined) {
    log.error("config: this board names no I2C pins; pass i2c_data=… and i2c_clock=… to mcconfig");
    return undefined;
  }
  const light = new LightSource({ io: platform.i2c.io, data, clock: sclPin, hz: config.i2cHz }, config.sensorId, clock, timers, log);

  const online = utf8Encode("online");
  const connection = new MqttConnection({
    socket: config.mqttTls ? platform.tls(config.mqttHost, config.mqttCa) : platform.socket,
    resolve: platform.resolve,
    timers,
    clock,
    log,
    host: config.mqttHost,
    port: config.mqttPort,
    clientId: config.mqttClientId,
    keepalive: config.mqttKeepalive,
    clean: config.mqttClean,
    ...(config.mqttUser !== "" ? { username: config.mqttUser } : {}),
    ...(config.mqttPassword !== "" ? { password: config.mqttPassword } : {}),
    // Retained status, as ESPHome and Tasmota keep it: "online" on every connect, and the
    // broker publishes the will, "offline", when the link dies [MQTT-3.1.2-8].
    birth: { topic: config.statusTopic, payload: online, qos: 0, retain: true },
    will: { topic: config.statusTopic, payload: utf8Encode("offline"), qos: 1, retain: true },
    reconnectMin: config.mqttReconnectMin,
    reconnectMax: config.mqttReconnectMax,
    maxPacketSize: config.mqttMaxPacket,
    maxInflight: config.mqttInflight,
    outbox: config.queueBytes,
  });

  const stats = { published: 0, rejected: 0 };
  const topic = config.mqttTopic;
  const publisher: Sink<Reading> = {
    onNext(reading) {
      try {
        connection.publish(topic, utf8Encode(formatPayload(config.payloadFormat, reading)), { qos: config.qos });
        stats.published++;
      } catch (error) {
        // An oversized or unsendable reading is an error in one line, never a silent drop.
        stats.rejected++;
        log.error(`mqtt: reading ${reading.seq} not sent: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };

  const network: NetworkLink = wifiLink(platform.wifi, {
    ssid: config.ssid,
    password: config.password,
    timers,
    log,
    address: platform.address,
  });
  let started = false;
  network.start((up) => {
    connection.setNetwork(up);
    if (up && !started) {
      started = true;
      connection.start();
    }
  });

  const scheduler = new Scheduler(timers, clock, log);
  scheduler.schedulePeriodic(light, config.sampleInterval, publisher);
  log.info(`${config.sensorId}: sampling every ${config.sampleInterval / 1000} s to ${config.mqttHost}:${config.mqttPort} topic ${topic}`);

  return {
    config,
    light,
    connection,
    stats,
    stop() {
      scheduler.stop();
      connection.stop();
      network.stop();
      light.close();
    },
  };
}
