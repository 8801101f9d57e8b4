// The device as its users see it over MQTT (docs/device-api.md): topics, the retained state
// with its configuration version, the built-in commands and their acknowledgements, and
// device events like the Losant client's (connect, reconnect, close, command).
import {
  booleanField,
  choiceField,
  CommandError,
  Commands,
  ackPayload,
  commandKey,
  numberField,
  type BuiltIn,
  type Command,
  type CommandGate,
} from "./commands.js";
import { GAIN_NAMES } from "embedded:sensor/AmbientLight/tsl2591-registers";
import { SAMPLE_FLOOR_S, type Config, type DeviceTopics } from "./config.js";
import type { LightSource } from "./light.js";
import type { OversizedInfo, PublishStatus } from "./mqtt/connection.js";
import type { Led, Logger, TimerHandle, Timers } from "./platform.js";
import type { Schedule } from "./scheduler.js";
import type { RuntimeSettings, Settings } from "./settings.js";
import type { DeviceTime } from "./timesync.js";

export { deviceTopics, type DeviceTopics } from "./config.js";

/** What the device keeps of the configuration after boot (the state reports it). */
export type DeviceConfig = Pick<Config, "sensorId" | "payloadFormat" | "healthInterval" | "profile" | "mqttClean">;

type Payload = Readonly<Record<string, unknown>>;

export type DeviceEvent = "connect" | "reconnect" | "close" | "command";
type Listener = (detail?: unknown) => void;

/** Device events: connect (first connection), reconnect (later ones), close (with the reason), command. */
export class DeviceEvents {
  /** Made on the first on(): a device nobody listens to keeps no table. */
  #listeners: Map<DeviceEvent, Listener[]> | undefined;

  on(event: DeviceEvent, listener: Listener): void {
    const listeners = (this.#listeners ??= new Map());
    const list = listeners.get(event) ?? [];
    list.push(listener);
    listeners.set(event, list);
  }

  emit(event: DeviceEvent, detail?: unknown): void {
    const list = this.#listeners?.get(event);
    if (list !== undefined) for (const listener of list) listener(detail);
  }
}

export interface DeviceParts {
  readonly deviceConfig: DeviceConfig;
  readonly topics: DeviceTopics;
  readonly settings: Settings;
  readonly light: LightSource;
  readonly time: DeviceTime;
  readonly timers: Timers;
  readonly log: Logger;
  readonly led?: Led | undefined;
  readonly restart?: (() => void) | undefined;
  /** The schedule of the light source (its interval changes by command). */
  readings(): Schedule | undefined;
  /** "sent", "queued", or the error that refused the message. */
  publish(topic: string, text: string, retain: boolean): PublishStatus | Error;
}

/** Commands the device remembers having run (RAM), for redeliveries within a boot. */
const RECENT = 8;

/**
 * The device; it is also the gate of its own commands, at most once. A retained command
 * (RETAIN=1: the broker stored it and sends it on every new subscription [MQTT-3.3.1-8]
 * [MQTT-3.3.1-9]) never runs. A command whose name and time match one run before is a
 * redelivery (QoS 1 after a reconnect [MQTT-4.4.0-1], or a sender's own resend) and does not
 * run again: the last RECENT keys are kept in RAM, and the last one in flash when a reboot
 * could bring it back: always for `restart`, and for every command when the broker keeps the
 * session across a reboot (mqtt_clean=0). One flash write per such command; none otherwise.
 */
export class Device implements CommandGate {
  readonly commands: Commands<Device>;
  readonly events = new DeviceEvents();
  #blink: TimerHandle | undefined;
  /** Whether the message under way was delivered with RETAIN=1. */
  #retained = false;
  #key: number | undefined;
  /** Keys of the last commands run, newest last; made on the first command with a time. */
  #recent: number[] | undefined;

  constructor(private readonly parts: DeviceParts) {
    this.commands = new Commands<Device>(Device.#builtIns, this as Device);
    const saved = parts.settings.lastCommand;
    if (saved !== undefined) this.#recent = [saved];
  }

  /** The state as published on the state topic (never a secret). */
  state(): Record<string, unknown> {
    const { deviceConfig: config, settings, time, light } = this.parts;
    const s = settings.values;
    return {
      sensor_id: config.sensorId,
      config_version: settings.version,
      boot: settings.boot,
      persistent: settings.persistent,
      sample_interval: s.interval / 1000,
      gain: light.settings.gain,
      integration_ms: light.settings.integration,
      auto_range: light.settings.autoRange,
      payload_format: config.payloadFormat,
      health_interval: config.healthInterval / 1000,
      profile: config.profile,
      time_source: time.now().source,
      uptime: Math.floor(time.uptime() / 1000),
      commands: this.commands.names,
    };
  }

  publishState(): PublishStatus | Error {
    const state = this.state();
    const losant = this.parts.deviceConfig.payloadFormat === "losant";
    // Losant's broker keeps no retained messages; its state topic takes {"data": …}.
    return this.parts.publish(this.parts.topics.state, JSON.stringify(losant ? { data: state } : state), !losant);
  }

  /** A message on the command topic too large to read (skipped by the client): its one acknowledgement. */
  oversized(info: OversizedInfo): void {
    const clear = info.retain
      ? `; it is retained: clear it with mosquitto_pub -r -n -t ${this.parts.topics.command}`
      : "";
    this.parts.publish(
      this.parts.topics.result,
      ackPayload({
        ok: false,
        message: `command of ${info.size} bytes not read: above mqtt_max_packet (${info.max})${clear}`,
      }),
      false,
    );
  }

  /**
   * A message on the command topic (`retained`: delivered with RETAIN=1): run it at most once,
   * acknowledge it on the result topic. An empty message is a retained command being cleared.
   */
  command(text: string | undefined, retained = false): void {
    const { log, topics } = this.parts;
    if (text === "") {
      log.info(`command: an empty message on ${topics.command} (a retained command cleared): nothing to run`);
      return;
    }
    this.#retained = retained;
    const ack = this.commands.handle(text, this);
    log[ack.ok ? "info" : "warn"](
      `command ${ack.name ?? "?"}: ${ack.ok ? "ok: " : ack.ignored ? "" : "refused: "}${ack.message}`,
    );
    this.parts.publish(topics.result, ackPayload(ack), false);
  }

  /** CommandGate: why this message is not run, if it is not. */
  ignore(command: Command | undefined): string | undefined {
    if (this.#retained) {
      return `ignored: a retained command is never run (the broker would send it again on every connect); clear it: mosquitto_pub -r -n -t ${this.parts.topics.command}`;
    }
    const key = (this.#key = command === undefined ? undefined : commandKey(command));
    if (key !== undefined && this.#recent?.includes(key) === true) {
      return 'ignored: a command with this name and time has already run (a redelivery); send it with a new "time" to run it again';
    }
    return undefined;
  }

  /** CommandGate: the command is about to run; remember it (in flash first, where a reboot could bring it back). */
  running(command: Command): void {
    const key = this.#key;
    if (key !== undefined) {
      const recent = (this.#recent ??= []);
      recent.push(key);
      if (recent.length > RECENT) recent.shift();
      if (!this.parts.deviceConfig.mqttClean || command.name === "restart") this.parts.settings.rememberCommand(key);
    }
    this.events.emit("command", command);
  }

  stop(): void {
    this.parts.timers.clear(this.#blink);
  }

  #change(change: Partial<RuntimeSettings>, message: string): string {
    this.parts.settings.update(change);
    this.publishState();
    return message;
  }

  // The built-in commands: one frozen table for every device (docs/xs-memory.md).
  static readonly #builtIns: Readonly<Record<string, BuiltIn<Device>>> = Object.freeze({
    set_interval(d: Device, payload: Payload): string {
      const seconds = numberField(payload, "seconds", SAMPLE_FLOOR_S, 86400);
      const ms = Math.round(seconds * 1000);
      d.parts.readings()?.setPeriod(ms);
      return d.#change({ interval: ms }, `sample interval ${seconds} s`);
    },
    set_gain(d: Device, payload: Payload): string {
      const gain = choiceField(payload, "gain", GAIN_NAMES);
      const light = d.parts.light;
      light.configure({ gain });
      return d.#change(
        { gain },
        `gain ${gain}${light.settings.autoRange ? " (auto-range is on: it starts from there)" : ""}`,
      );
    },
    set_integration(d: Device, payload: Payload): string {
      const ms = numberField(payload, "ms", 100, 600, 100);
      d.parts.light.configure({ integration: ms });
      return d.#change({ integration: ms }, `integration time ${ms} ms`);
    },
    set_auto_range(d: Device, payload: Payload): string {
      const on = booleanField(payload, "on");
      d.parts.light.configure({ autoRange: on });
      return d.#change({ autoRange: on }, `auto-range ${on ? "on" : "off"}`);
    },
    reset_settings(d: Device): string {
      const p = d.parts;
      p.settings.reset();
      const s = p.settings.values;
      p.light.configure({ gain: s.gain, integration: s.integration, autoRange: s.autoRange });
      p.readings()?.setPeriod(s.interval);
      d.publishState();
      return "settings from commands forgotten; the built-in config applies";
    },
    report_state(d: Device): string {
      const status = d.publishState();
      if (status instanceof Error)
        throw new CommandError(`state not published to ${d.parts.topics.state}: ${status.message}`);
      return status === "sent"
        ? `state published to ${d.parts.topics.state}`
        : `state queued for ${d.parts.topics.state} (not yet sent: the broker is not connected or busy)`;
    },
    identify(d: Device, payload: Payload): string {
      const led = d.parts.led;
      if (led === undefined) throw new CommandError("this board has no LED to blink");
      const seconds = payload.seconds === undefined ? 5 : numberField(payload, "seconds", 1, 60);
      d.#identify(led, seconds);
      return `blinking the LED for ${seconds} s`;
    },
    restart(d: Device): string {
      const restart = d.parts.restart;
      if (restart === undefined) throw new CommandError("this board cannot restart itself");
      // Leave time for the acknowledgement to go out before the board goes down.
      d.parts.timers.set(() => restart(), 500);
      return "restarting in 0.5 s";
    },
  });

  #identify(led: Led, seconds: number): void {
    const timers = this.parts.timers;
    timers.clear(this.#blink);
    let toggles = seconds * 4;
    let on = false;
    const step = () => {
      on = !on && toggles > 1;
      led.write(on);
      toggles--;
      this.#blink = toggles > 0 ? timers.set(step, 250) : undefined;
    };
    step();
  }
}
