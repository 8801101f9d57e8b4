// The application: join the network, keep an MQTT connection, and run the dataflow: the
// light source → the readings writer every sample interval, the health source → the health
// writer on its own interval; state, commands and acknowledgements per docs/device-api.md.
// Everything it touches comes in through AppPlatform (src/platform.ts), so the same code
// runs on the board (src/main.ts wires the Moddable modules), in the host simulator and
// under test with virtual time.
import { movingAverage, onChange, Operator, pipe, SensorThing, type InputThing } from "./dataflow.js";
import { ConfigError, readConfig, type Config } from "./config.js";
import { Device, deviceTopics, type DeviceConfig, type DeviceParts, type DeviceTopics } from "./device.js";
import { discoveryMessages } from "./discovery.js";
import { HealthFormat, HealthInputsOf, HealthSource, ReadingDrops, type HealthReport } from "./health.js";
import { Journal } from "./journal.js";
import { LightSource, type SensorBus } from "./light.js";
import { MqttConnection, type OversizedInfo, type PublishStatus } from "./mqtt/connection.js";
import { utf8Decode, utf8Encode } from "./mqtt/utf8.js";
import type { Reading } from "./payload.js";
import type { BoardExtras, Clock, Led, Logger, NetworkLink, Resolver, SocketFactory, Timers } from "./platform.js";
import { errorMessage, Scheduler, type Schedule } from "./scheduler.js";
import { Settings } from "./settings.js";
import { DeepSleepCycle, resumeRecord } from "./sleep.js";
import { DeviceTime } from "./timesync.js";
import { wifiLink, type WiFiModule } from "./wifi-link.js";
import { MqttWriter, ReadingWriter } from "./writer.js";

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
  readonly topics: DeviceTopics;
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

/** The connection's callbacks as methods (MqttConnection calls them on its options object). */
class ConnectionHooks {
  constructor(private readonly app: Application) {}

  onConnect(): void {
    this.app.connected();
  }
  onDisconnect(reason: string): void {
    this.app.device.events.emit("close", reason);
  }
  onMessage(topic: string, payload: Uint8Array, info: { readonly retain: boolean }): void {
    if (topic === this.app.topics.command) this.app.device.command(utf8Decode(payload, 0, payload.length), info.retain);
  }
  /** Only the command topic is subscribed: a message too large to read was a command. */
  onOversized(info: OversizedInfo): void {
    this.app.device.oversized(info);
  }
}

/** The dataflow's sinks; a sink that throws is one log line (the stream goes on). */
class ReadingSink {
  constructor(private readonly app: Application) {}
  onNext(reading: Reading): void {
    try {
      this.app.onReading(reading);
    } catch (error) {
      this.app.log.error(`dataflow: readings sink failed: ${errorMessage(error)}`);
    }
  }
}

class HealthSink {
  constructor(private readonly app: Application) {}
  onNext(report: HealthReport): void {
    try {
      this.app.settle();
      this.app.healthWriter.onNext(report);
    } catch (error) {
      this.app.log.error(`dataflow: health sink failed: ${errorMessage(error)}`);
    }
  }
}

/** `mc/config` read and checked (src/config.ts), or undefined after logging why the device stays idle. */
function configOrIdle(platform: AppPlatform): Config | undefined {
  try {
    return readConfig(platform.config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    platform.log.error(`${error.message}; the device is idle until it is reconfigured`);
    return undefined;
  }
}

/** Validates the configuration and starts the device; a bad configuration is logged, not thrown. */
export function startApp(platform: AppPlatform): App | undefined {
  const config = configOrIdle(platform);
  if (config === undefined) return undefined;
  const data = config.i2cData ?? platform.i2c.data;
  const sclPin = config.i2cClock ?? platform.i2c.clock;
  if (data === undefined || sclPin === undefined) {
    platform.log.error("config: this board names no I2C pins; pass i2c_data=… and i2c_clock=… to mcconfig");
    return undefined;
  }
  return new Application(platform, config, data, sclPin);
}

/** The few fields of the configuration the state and discovery report, kept after boot (not all 37). */
function deviceConfigOf(config: Config): DeviceConfig & { readonly haPrefix: string | undefined } {
  const { sensorId, payloadFormat, healthInterval, profile, mqttClean } = config;
  return Object.freeze({
    sensorId,
    payloadFormat,
    healthInterval,
    profile,
    mqttClean,
    haPrefix: config.haDiscovery ? config.haPrefix : undefined,
  });
}

const luxOf = (reading: Reading): number | null => reading.value;
const withLux = (reading: Reading, mean: number): Reading => ({ ...reading, value: mean });

/** Numbers the readings that pass lux_change from 1, so a subscriber sees no gap where none was lost. */
function renumbered(): Operator<Reading, Reading> {
  let seq = 0;
  return new Operator<Reading, Reading>((reading, emit) => emit({ ...reading, seq: ++seq }));
}

/** lux_average, then lux_change, as dataflow operators between the light sensor and the writer (none by default). */
function luxFilters(config: Config, clock: Clock): InputThing<Reading>[] {
  const chain: InputThing<Reading>[] = [];
  if (config.luxAverage > 1) chain.push(movingAverage(config.luxAverage, luxOf, withLux));
  if (config.luxChange > 0) chain.push(onChange(config.luxChange, luxOf, clock, config.luxHeartbeat), renumbered());
  return chain;
}

/** The running device: one object whose methods are the callbacks (docs/xs-memory.md). */
class Application implements App, DeviceParts {
  readonly topics: DeviceTopics;
  readonly time: DeviceTime;
  readonly settings: Settings;
  readonly light: LightSource;
  readonly journal: Journal | undefined;
  readonly device: Device;
  readonly connection: MqttConnection;
  readonly readingsWriter: ReadingWriter;
  readonly healthWriter: MqttWriter<HealthReport>;
  readonly health: HealthSource;
  readonly readingDrops: ReadingDrops;
  readonly timers: Timers;
  readonly log: Logger;
  readonly led: Led | undefined;
  readonly restart: (() => void) | undefined;
  readonly #scheduler: Scheduler;
  readonly #network: NetworkLink;
  /** sleep_mode=deep on a board that can: one reading per wake (src/sleep.ts). */
  readonly #sleep: DeepSleepCycle | undefined;
  lightSchedule: Schedule | undefined;
  #healthSchedule: Schedule | undefined;
  #everConnected = false;
  #started = false;
  readonly deviceConfig: ReturnType<typeof deviceConfigOf>;

  constructor(platform: AppPlatform, config: Config, data: number, sclPin: number) {
    const { timers, clock, log } = platform;
    this.deviceConfig = deviceConfigOf(config);
    this.timers = timers;
    this.log = log;
    this.led = platform.led;
    this.restart = platform.restart;
    const topics = (this.topics = deviceTopics(config));
    const deep = config.sleepMode === "deep" ? platform.sleep : undefined;
    if (config.sleepMode === "deep" && deep === undefined)
      log.error("config: sleep_mode=deep but this board has no deep sleep; staying awake");
    const record = deep === undefined ? undefined : resumeRecord(deep, log);
    const time = (this.time = new DeviceTime(clock, timers, log, config.sntp, platform.sntp, record?.uptimeMs));
    const settings = (this.settings = new Settings(
      platform.preference,
      {
        interval: config.sampleInterval,
        gain: config.gain,
        integration: config.integration,
        autoRange: config.autoRange,
      },
      log,
      record?.boot,
    ));
    const s = settings.values;
    const light = (this.light = new LightSource(
      { io: platform.i2c.io, data, clock: sclPin, hz: config.i2cHz },
      config.sensorId,
      time,
      timers,
      log,
      { gain: s.gain, integration: s.integration, autoRange: s.autoRange },
      settings.boot,
    ));
    if (record !== undefined) light.stats.readings = record.seq;
    const persist = config.queuePersist || deep !== undefined;
    let journal: Journal | undefined;
    if (persist && platform.preference === undefined)
      log.warn(
        "config: queue_persist=1 but this build has no preference module; offline readings are kept in RAM only",
      );
    else if (persist) journal = new Journal(platform.preference!, config.queuePersistMax);
    this.journal = journal;
    this.#sleep =
      deep === undefined
        ? undefined
        : new DeepSleepCycle(
            this,
            {
              sleep: deep,
              timers,
              clock,
              log,
              awakeMax: config.awakeMax,
              networkTime: config.sntp !== "" && platform.sntp !== undefined,
            },
            record,
            settings.boot,
          );
    if (deep !== undefined && config.mqttClean)
      log.warn(
        "sleep: mqtt_clean=1: commands sent while the board sleeps are lost; mqtt_clean=0 keeps them for the next wake",
      );
    this.device = new Device(this);

    const connection = (this.connection = new MqttConnection(
      Object.assign(new ConnectionHooks(this), {
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
        sessionKept: record?.settled === true,
        ...(config.mqttUser !== "" ? { username: config.mqttUser } : {}),
        ...(config.mqttPassword !== "" ? { password: config.mqttPassword } : {}),
        // Retained status, as ESPHome and Tasmota keep it: "online" on every connect, and the
        // broker publishes the will, "offline", when the link dies [MQTT-3.1.2-8].
        birth: { topic: config.statusTopic, payload: utf8Encode("online"), qos: 1 as const, retain: true },
        will: { topic: config.statusTopic, payload: utf8Encode("offline"), qos: 1 as const, retain: true },
        reconnectMin: config.mqttReconnectMin,
        reconnectMax: config.mqttReconnectMax,
        maxPacketSize: config.mqttMaxPacket,
        maxInflight: config.mqttInflight,
        outbox: config.queueBytes,
      }),
    ));
    connection.subscribe(topics.command, 1);
    this.readingDrops = new ReadingDrops(connection.outbox);

    this.#scheduler = new Scheduler(timers, clock, log);
    const readings = (this.readingsWriter = new ReadingWriter(connection, log, {
      topic: topics.readings,
      qos: config.qos,
      format: config.payloadFormat,
      sensorId: config.sensorId,
      boot: settings.boot,
    }));
    for (const old of journal?.load(config.sensorId) ?? []) readings.onNext(old);
    if (journal !== undefined && journal.length > 0)
      log.info(`queue: ${journal.length} readings from before the reboot are queued to send`);

    this.health = new HealthSource(new HealthInputsOf(this, platform));
    this.healthWriter = new MqttWriter<HealthReport>(connection, log, new HealthFormat(topics.health, config.sensorId));

    this.#network = wifiLink(platform.wifi, {
      ssid: config.ssid,
      password: config.password,
      timers,
      log,
      address: platform.address,
    });
    this.#network.start((up) => this.#networkChanged(up));

    // The dataflow: each sensor is an output thing the scheduler ticks; the writers are input things.
    const lightThing = new SensorThing(light);
    pipe(lightThing, ...luxFilters(config, clock), new ReadingSink(this));
    let healthThing: SensorThing<HealthReport> | undefined;
    if (config.healthInterval > 0) {
      healthThing = new SensorThing(this.health);
      healthThing.connect(new HealthSink(this));
    }
    if (this.#sleep !== undefined) {
      this.#sleep.start(lightThing, healthThing);
    } else {
      this.lightSchedule = this.#scheduler.schedulePeriodic(lightThing, settings.values.interval);
      if (healthThing !== undefined)
        this.#healthSchedule = this.#scheduler.schedulePeriodic(healthThing, config.healthInterval);
    }
    log.info(
      `${config.sensorId}: sampling every ${settings.values.interval / 1000} s to ${config.mqttHost}:${config.mqttPort} topic ${topics.readings}` +
        `${config.luxAverage > 1 ? `, lux averaged over ${config.luxAverage}` : ""}${config.luxChange > 0 ? `, published on a change of more than ${config.luxChange} lux` : ""}` +
        ` (profile ${config.profile}, config version ${settings.version})`,
    );
  }

  get stats(): { readonly published: number; readonly rejected: number } {
    return this.readingsWriter;
  }

  /** DeviceParts: the light source's schedule (its interval changes by command). */
  readings(): Schedule | undefined {
    return this.lightSchedule;
  }

  /** "sent" (handed to the socket), "queued" (held in the outbox), or the error that refused it (logged). */
  publish(topic: string, text: string, retain: boolean): PublishStatus | Error {
    try {
      return this.connection.publish(topic, utf8Encode(text), { qos: 1, retain });
    } catch (error) {
      this.log.error(`mqtt: message to ${topic} not sent: ${errorMessage(error)}`);
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  /** Everything the journal holds has been delivered once the outbox empties while connected. */
  settle(): void {
    const journal = this.journal;
    if (journal !== undefined && journal.length > 0 && this.connection.connected && this.connection.outbox.length === 0)
      journal.clear();
  }

  onReading(reading: Reading): void {
    this.settle();
    this.#sleep?.onReading(reading, this.connection.connected);
    if (this.journal !== undefined && !this.connection.connected) this.journal.append(reading);
    this.readingsWriter.onNext(reading);
  }

  connected(): void {
    this.device.events.emit(this.#everConnected ? "reconnect" : "connect");
    this.#everConnected = true;
    this.device.publishState();
    const config = this.deviceConfig;
    if (config.haPrefix !== undefined) {
      const t = this.topics;
      const messages = discoveryMessages({
        prefix: config.haPrefix,
        sensorId: config.sensorId,
        readings: t.readings,
        health: t.health,
        status: t.status,
        format: config.payloadFormat,
      });
      for (const m of messages) this.publish(m.topic, m.payload, true);
    }
  }

  #networkChanged(up: boolean): void {
    this.connection.setNetwork(up);
    if (up) this.time.networkUp();
    if (up && !this.#started) {
      this.#started = true;
      this.connection.start();
    }
  }

  stop(): void {
    this.#sleep?.stop();
    this.#healthSchedule?.cancel();
    this.#scheduler.stop();
    this.device.stop();
    this.time.stop();
    this.connection.stop();
    this.#network.stop();
    this.light.close();
  }
}
