// `npm run fleet -- devices=N key=value …`: N simulated boards in one process, each running
// the unmodified application (host-sim/fleet/fleet.ts), against the broker at mqtt_host (or
// an embedded aedes broker when none is given, as `npm start` does). Firmware and sim_ keys
// apply to every board; board i gets sensor_id <id_prefix><i>, its own client id and its own
// light level and noise seed unless sim_lux / sim_seed are given. Prints a line every 10 s.
import { startEmbeddedBroker, type EmbeddedBroker } from "./broker.js";
import { Fleet } from "./fleet/fleet.js";
import { checkFirmwareConfig, helpText, manifestConfig, parseArgs, UsageError } from "./options.js";

const note = (message: string) => process.stderr.write(`fleet: ${message}\n`);

export const FLEET_KEYS = Object.freeze([
  { name: "devices", default: "10", description: "number of simulated boards" },
  { name: "id_prefix", default: "lux-", description: "board i's sensor_id (and client id) is <id_prefix><i>" },
  {
    name: "spread",
    default: "sample_interval",
    description: "seconds over which the boards start, spreading their sampling phases",
  },
  { name: "log", default: "warn", description: "board log lines shown: all, warn (warnings and errors), none" },
]);

function fleetHelp(): string {
  const lines = ["usage: npm run fleet -- devices=N [key=value …]", "", "Fleet keys:"];
  for (const k of FLEET_KEYS) lines.push(`  ${k.name.padEnd(18)} ${k.description} (default ${k.default})`);
  return `${lines.join("\n")}\n\nEvery board also takes the simulator's keys:\n${helpText().split("\n").slice(2).join("\n")}`;
}

async function run(args: string[]): Promise<void> {
  const fleetArgs: Record<string, string> = {};
  const rest: string[] = [];
  for (const arg of args) {
    const key = arg.slice(0, arg.indexOf("="));
    if (FLEET_KEYS.some((k) => k.name === key)) fleetArgs[key] = arg.slice(key.length + 1);
    else rest.push(arg);
  }
  const devicesText = fleetArgs.devices ?? "10";
  const devices = Number(devicesText);
  if (!/^\d+$/.test(devicesText) || devices < 1 || devices > 100_000)
    throw new UsageError(`devices must be a whole number from 1 to 100000 (got "${devicesText}")`);
  const level = fleetArgs.log ?? "warn";
  if (!["all", "warn", "none"].includes(level)) throw new UsageError(`log must be all, warn or none (got "${level}")`);
  const invocation = parseArgs(rest, manifestConfig(new URL("../../manifest.json", import.meta.url)));
  const config = invocation.config;
  let broker: EmbeddedBroker | undefined;
  checkFirmwareConfig({ ...config, mqtt_host: invocation.embeddedBroker ? "127.0.0.1" : config.mqtt_host });
  if (invocation.embeddedBroker) {
    broker = await startEmbeddedBroker(invocation.brokerPort).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== "EADDRINUSE" || invocation.brokerPort === 0) throw error;
      const moved = await startEmbeddedBroker(0);
      note(
        `port ${invocation.brokerPort} is in use (another broker?); the embedded broker is on port ${moved.port} instead`,
      );
      return moved;
    });
    config.mqtt_host = broker.host;
    config.mqtt_port = String(broker.port);
  }
  const checked = checkFirmwareConfig(config);
  const spreadText = fleetArgs.spread;
  const spreadMs = spreadText === undefined ? checked.sampleInterval : Number(spreadText) * 1000;
  if (!(spreadMs >= 0) || !Number.isFinite(spreadMs))
    throw new UsageError(`spread must be a number of seconds (got "${spreadText}")`);

  let fleet: Fleet;
  try {
    fleet = new Fleet({
      devices,
      config,
      sim: invocation.sim,
      idPrefix: fleetArgs.id_prefix ?? "lux-",
      spreadMs,
      trace: (id, text) => {
        if (level === "all" || (level === "warn" && !text.startsWith("luxflow info:")))
          process.stderr.write(`[${id}] ${text}`);
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  note(
    `${devices} boards publishing to mqtt://${checked.mqttHost}:${checked.mqttPort} topic ${checked.mqttTopic} every ${checked.sampleInterval / 1000} s` +
      `${broker ? " (embedded broker)" : ""}; Ctrl-C stops`,
  );
  const started = fleet.start();
  let last = 0;
  const status = setInterval(() => {
    const published = fleet.published;
    note(
      `${fleet.connected}/${devices} connected, ${published - last} readings in the last 10 s (${((published - last) / 10).toFixed(1)}/s)`,
    );
    last = published;
  }, 10_000);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(status);
    fleet.stop();
    await broker?.close();
    note(`stopped: ${fleet.published} readings published`);
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  await started;
}

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(`${fleetHelp()}\n`);
} else {
  try {
    await run(args);
  } catch (error) {
    process.stderr.write(`fleet: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}
