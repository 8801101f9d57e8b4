// The simulator's command line: `key=value` words. Firmware keys are exactly the device's
// (src/config.ts, as `mcconfig key=value` takes them) and are merged over manifest.json's
// `config` the way mcconfig merges them, values staying strings. Simulator keys start
// with `sim_` (plus `engine`). Anything else is an error that names the key.
import { readFileSync } from "node:fs";
import { CONFIG_KEYS, parseConfig, type Config } from "../src/config.js";
import { profileNamed } from "../src/profiles.js";
import { SIM_SENSOR_KEYS, type SimKey } from "./scene.js";

export class UsageError extends Error {
  override name = "UsageError";
}

export const SIM_BOARD_KEYS: readonly SimKey[] = Object.freeze([
  {
    name: "engine",
    default: "node",
    description: "JavaScript engine running the firmware: node, or xs (Moddable's engine)",
  },
  {
    name: "sim_wifi_ssid",
    default: "luxflow-sim",
    description: "SSID of the simulated access point (the board joins it when ssid matches)",
  },
  { name: "sim_wifi_password", default: "", description: "Password of the simulated access point" },
  {
    name: "sim_wifi_drop_at",
    default: "",
    description: "Seconds after start when the access point goes away (empty = never)",
  },
  { name: "sim_wifi_drop_for", default: "10", description: "Seconds the access point stays away" },
  {
    name: "sim_broker_port",
    default: "1883",
    description: "Port of the embedded broker (used when mqtt_host is not given; 0 = any free port)",
  },
  {
    name: "sim_count",
    default: "0",
    description: "Stop after this many readings have been seen (0 = run until Ctrl-C)",
  },
  {
    name: "sim_flash",
    default: "",
    description: "File holding the board's flash (preference), kept across runs like a power cycle (none: in memory)",
  },
  {
    name: "sim_sntp",
    default: "1",
    description:
      "1 = the simulated network answers SNTP with the host's time; 0 = no time server (timestamps are uptime)",
  },
]);

export function allSimKeys(): readonly SimKey[] {
  return [...SIM_BOARD_KEYS, ...SIM_SENSOR_KEYS];
}

export interface SimInvocation {
  /** The board's mc/config: manifest config with the firmware keys given merged over it. */
  readonly config: Record<string, unknown>;
  readonly sim: Record<string, string>;
  /** True when no mqtt_host was given: the simulator runs its embedded broker. */
  readonly embeddedBroker: boolean;
  readonly engine: "node" | "xs";
  readonly count: number;
  readonly brokerPort: number;
}

export function manifestConfig(manifestPath: URL): Record<string, unknown> {
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { config?: Record<string, unknown> };
  return { ...(manifest.config ?? {}) };
}

function wholeNumber(sim: Record<string, string>, key: string, fallback: string, max: number): number {
  const text = sim[key] ?? fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > max)
    throw new UsageError(`${key} must be a whole number from 0 to ${max} (got "${text}")`);
  return n;
}

export function parseArgs(args: readonly string[], base: Readonly<Record<string, unknown>>): SimInvocation {
  const firmwareKeys = new Set(CONFIG_KEYS.map((spec) => spec.key));
  const simKeys = new Set(allSimKeys().map((spec) => spec.name));
  const config: Record<string, unknown> = { ...base };
  const sim: Record<string, string> = {};
  for (const arg of args) {
    const eq = arg.indexOf("=");
    if (eq <= 0) throw new UsageError(`expected key=value, got "${arg}" (try --help)`);
    const key = arg.slice(0, eq);
    const value = arg.slice(eq + 1);
    if (firmwareKeys.has(key)) config[key] = value;
    else if (simKeys.has(key)) sim[key] = value;
    else
      throw new UsageError(
        `unknown key "${key}" (firmware keys: ${[...firmwareKeys].join(", ")}; simulator keys start with sim_; try --help)`,
      );
  }
  const engine = sim.engine ?? "node";
  if (engine !== "node" && engine !== "xs") throw new UsageError(`engine must be node or xs (got "${engine}")`);
  const profile = profileNamed(String(config.profile ?? "local"));
  const embeddedBroker =
    (config.mqtt_host === undefined || config.mqtt_host === "") && profile?.defaults.mqtt_host === undefined;
  if (embeddedBroker && profile?.defaults.mqtt_tls !== undefined) {
    throw new UsageError(
      `profile=${profile.name} uses TLS: give mqtt_host=… (the embedded broker speaks plain MQTT only)`,
    );
  }
  if (config.ssid === undefined || config.ssid === "") {
    config.ssid = sim.sim_wifi_ssid ?? "luxflow-sim";
    config.password ??= sim.sim_wifi_password ?? "";
  }
  return {
    config,
    sim,
    embeddedBroker,
    engine,
    count: wholeNumber(sim, "sim_count", "0", 1e9),
    brokerPort:
      sim.sim_broker_port === undefined && args.some((arg) => arg.startsWith("mqtt_port="))
        ? Number(config.mqtt_port)
        : wholeNumber(sim, "sim_broker_port", "1883", 65535),
  };
}

/** Validates the firmware keys as the device would at boot; throws UsageError with its message. */
export function checkFirmwareConfig(config: Readonly<Record<string, unknown>>): Config {
  try {
    return parseConfig(config);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function helpText(): string {
  const lines = ["usage: npm start -- [key=value …]", "", "Firmware keys (the same as mcconfig key=value):"];
  for (const spec of CONFIG_KEYS) {
    const shown = spec.required
      ? " (required on a device; default here: the embedded broker)"
      : spec.default !== undefined
        ? ` (default ${spec.default})`
        : "";
    lines.push(`  ${spec.key.padEnd(18)} ${spec.help}${shown}`);
  }
  lines.push("", "Simulator keys:");
  for (const spec of allSimKeys())
    lines.push(
      `  ${spec.name.padEnd(18)} ${spec.description} (default ${spec.default === "" ? "none" : spec.default})`,
    );
  return lines.join("\n");
}
