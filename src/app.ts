// The application: join the network, keep an MQTT connection, and run the dataflow: the
// light source → the readings writer every sample interval, the health source → the health
// writer on its own interval; state, commands and acknowledgements per docs/device-api.md.
// Everything it touches comes in through AppPlatform (src/platform.ts), so the same code
// runs on the board (src/main.ts wires the Moddable modules), in the host simulator and
// under test with virtual time.
import { SensorThing } from "./dataflow.js";
import { ConfigError, parseConfig, unknownKeys, type Config } from "./config.js";
import { Device, deviceTopics, type Topics } from "./device.js";
import { discoveryMessages } from "./discovery.js";
import { HealthSource, healthPayload, type HealthInputs, type HealthReport } from "./health.js";
import { Journal } from "./journal.js";
import { LightSource, type SensorBus } from "./light.js";
import { MqttConnection } from "./mqtt/connection.js";
import { utf8Decode, utf8Encode } from "./mqtt/utf8.js";
import { formatPayload, type Reading } from "./payload.js";
import type { BoardExtras, Clock, Logger, NetworkLink, Resolver, SocketFactory, Timers } from "./platform.js";
import { Scheduler, type Schedule } from "./scheduler.js";
import { Settings } from "./settings.js";
import { DeviceTime } from "./timesync.js";
import { wifiLink, type WiFiModule } from "./wifi-link.js";
import { MqttWriter } from "./writer.js";

export interface AppPlatform extends BoardExtras {
  /** `mc/config`: the manifest's config with mcconfig's key=value arguments over it. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly timers: Timers;
  /** Monotonic milliseconds (Moddable `Time.ticks`): schedules never jump with the wall clock. */
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
  readonly topics: Topics;
  readonly light: LightSource;
  readonly connection: MqttConnection;
  readonly device: Device;
  readonly settings: Settings;
  readonly time: DeviceTime;
  readonly journal: Journal | undefined;
  readonly health: HealthSource;
  readonly stats: { published: number; rejected: number };
  stop(): void;
}

/** Health inputs as methods of one object (no closure per input). */
class HealthInputsOf implements HealthInputs {
  readonly heap: (() => number | undefined) | undefined;
  readonly rssi: (() => number | undefined) | undefined;

  constructor(
    private readonly time: DeviceTime,
    platform: BoardExtras,
    private readonly connection: MqttConnection,
    private readonly readingsWriter: MqttWriter<Reading>,
    private readonly light: LightSource,
    private readonly journal: Journal | undefined,
    private readonly schedule: () => Schedule | undefined,
  ) {
    this.heap = platform.heap;
    this.rssi = platform.rssi;
  }

  uptime(): number { return this.time.uptime(); }
  queued(): number { return this.connection.outbox.length; }
  persisted(): number { return this.journal?.length ?? 0; }
  dropped(): number { return this.connection.stats.dropped + this.readingsWriter.rejected + (this.journal?.dropped ?? 0); }
  i2cErrors(): number { return this.light.errors; }
  reconnects(): number { return this.connection.stats.reconnects; }
  readings(): number { return this.light.stats.readings; }
  skipped(): number {
    const s = this.schedule();
    return (s?.skipped ?? 0) + (s?.failures ?? 0);
  }
}

function boot(platform: AppPlatform): Config | undefined {
  try {
    const unknown = unknownKeys(platform.config);
    if (unknown.length > 0) throw new ConfigError(`config: unknown key ${unknown.join(", ")} (a typo? the keys are listed in the README)`);
    return parseConfig(platform.config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    platform.log.error(`${error.message}; the device is idle until it is reconfigured`);
    return undefined;
  }
}

/** Validates the configuration and starts the device; a bad configuration is logged, not thrown. */
export function startApp(platform: AppPlatform): App | undefined {
  const { timers, clock, log } = platform;
  const booted = boot(platform);
  if (booted === undefined) return undefined;
  const config: Config = booted;
  const data = config.i2cData ?? platform.i2c.data;
  const sclPin = config.i2cClock ?? platform.i2c.clock;
  if (data === undefined || sclPin === undefined) {
    log.error("config: this board names no I2C pins; pass i2c_data=… and i2c_clock=… to mcconfig");
    return undefined;
  }
  const topics = deviceTopics(config);
  const time = new DeviceTime(clock, timers, log, config.sntp, platform.sntp);
  const settings = new Settings(platform.preference, { interval: config.sampleInterval, gain: config.gain, integration: config.integration, autoRange: config.autoRange }, log);
  const s = settings.values;
  const light = new LightSource({ io: platform.i2c.io, data, clock: sclPin, hz: config.i2cHz }, config.sensorId, () => time.now(), timers, log,
    { gain: s.gain, integration: s.integration, autoRange: s.autoRange }, settings.boot);
  let journal: Journal | undefined;
  if (config.queuePersist && platform.preference === undefined) log.warn("config: queue_persist=1 but this build has no preference module; offline readings are kept in RAM only");
  else if (config.queuePersist) journal = new Journal(platform.preference!, config.queuePersistMax);

  let device: Device | undefined;
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
    birth: { topic: config.statusTopic, payload: utf8Encode("online"), qos: 0, retain: true },
    will: { topic: config.statusTopic, payload: utf8Encode("offline"), qos: 1, retain: true },
    reconnectMin: config.mqttReconnectMin,
    reconnectMax: config.mqttReconnectMax,
    maxPacketSize: config.mqttMaxPacket,
    maxInflight: config.mqttInflight,
    outbox: config.queueBytes,
    onConnect: () => connected(),
    onDisconnect: (reason) => device?.events.emit("close", reason),
    onMessage: (topic, payload) => {
      if (topic === topics.command) device?.command(utf8Decode(payload, 0, payload.length));
    },
  });
  connection.subscribe(topics.command, 1);

  const publish = (topic: string, text: string, retain: boolean) => {
    try {
      connection.publish(topic, utf8Encode(text), { qos: 1, retain });
    } catch (error) {
      log.error(`mqtt: message to ${topic} not sent: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const scheduler = new Scheduler(timers, clock, log);
  let lightSchedule: Schedule | undefined;
  let healthSchedule: Schedule | undefined;
  device = new Device({ config, topics, settings, light, time, timers, log, led: platform.led, restart: platform.restart, readings: () => lightSchedule, publish });
  const theDevice = device;

  const readings = new MqttWriter<Reading>(connection, log, {
    topic: topics.readings, qos: config.qos, format: (r) => formatPayload(config.payloadFormat, r), label: (r) => `reading ${r.seq}`,
  });
  const settle = () => {
    // Everything the journal holds has been delivered once the outbox empties while connected.
    if (journal !== undefined && journal.length > 0 && connection.connected && connection.outbox.length === 0) journal.clear();
  };
  const readingSink = {
    onNext(reading: Reading) {
      settle();
      if (journal !== undefined && !connection.connected) journal.append(reading);
      readings.onNext(reading);
    },
  };
  for (const old of journal?.load(config.sensorId) ?? []) readings.onNext(old);
  if (journal !== undefined && journal.length > 0) log.info(`queue: ${journal.length} readings from before the reboot are queued to send`);

  let everConnected = false;
  function connected(): void {
    theDevice.events.emit(everConnected ? "reconnect" : "connect");
    everConnected = true;
    theDevice.publishState();
    if (config.haDiscovery) {
      const messages = discoveryMessages({ prefix: config.haPrefix, sensorId: config.sensorId, readings: topics.readings, health: topics.health, status: topics.status, format: config.payloadFormat });
      for (const m of messages) publish(m.topic, m.payload, true);
    }
  }

  const stats = {
    get published() { return readings.published; },
    get rejected() { return readings.rejected; },
  };
  const health = new HealthSource(new HealthInputsOf(time, platform, connection, readings, light, journal, () => lightSchedule));
  const healthWriter = new MqttWriter<HealthReport>(connection, log, { topic: topics.health, qos: 0, format: (h) => healthPayload(config.sensorId, h) });

  const network: NetworkLink = wifiLink(platform.wifi, { ssid: config.ssid, password: config.password, timers, log, address: platform.address });
  let started = false;
  network.start((up) => {
    connection.setNetwork(up);
    if (up) time.networkUp();
    if (up && !started) {
      started = true;
      connection.start();
    }
  });

  // The dataflow: each sensor is an output thing the scheduler ticks; the writers are input things.
  const fault = (what: string) => (error: unknown) => log.error(`dataflow: ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  const lightThing = new SensorThing(light);
  lightThing.onFault = fault("readings sink");
  lightThing.connect(readingSink);
  lightSchedule = scheduler.schedulePeriodic(lightThing, settings.values.interval);
  if (config.healthInterval > 0) {
    const healthThing = new SensorThing(health);
    healthThing.onFault = fault("health sink");
    healthThing.connect({ onNext: (h: HealthReport) => { settle(); healthWriter.onNext(h); } });
    healthSchedule = scheduler.schedulePeriodic(healthThing, config.healthInterval);
  }
  log.info(`${config.sensorId}: sampling every ${settings.values.interval / 1000} s to ${config.mqttHost}:${config.mqttPort} topic ${topics.readings}` +
    ` (profile ${config.profile}, config version ${settings.version})`);

  return {
    config, topics, light, connection, device, settings, time, journal, health, stats,
    stop() {
      healthSchedule?.cancel();
      scheduler.stop();
      theDevice.stop();
      time.stop();
      connection.stop();
      network.stop();
      light.close();
    },
  };
}
