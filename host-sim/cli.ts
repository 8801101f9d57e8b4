// `npm start -- key=value …`: boots the simulated board running the unmodified firmware
// (src/main.ts), against the embedded broker unless mqtt_host is given, and prints every
// reading as a subscriber sees it (`topic payload`, like `mosquitto_sub -v`) on stdout.
// The device's own log lines go to stderr.
import { deviceTopics } from "../src/device.js";
import { Board } from "./board.js";
import { startEmbeddedBroker, type EmbeddedBroker } from "./broker.js";
import { checkFirmwareConfig, helpText, manifestConfig, parseArgs, UsageError, type SimInvocation } from "./options.js";
import { startFirmware, type RunningFirmware } from "./xs/engines.js";
import { watchTopic } from "./watch.js";

const note = (message: string) => process.stderr.write(`sim: ${message}\n`);

async function embeddedBroker(port: number): Promise<EmbeddedBroker> {
  try {
    return await startEmbeddedBroker(port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE" || port === 0) throw error;
    const broker = await startEmbeddedBroker(0);
    note(`port ${port} is in use (another broker?); the embedded broker is on port ${broker.port} instead`);
    return broker;
  }
}

async function run(invocation: SimInvocation): Promise<void> {
  let broker: EmbeddedBroker | undefined;
  const config = invocation.config;
  checkFirmwareConfig({ ...config, mqtt_host: invocation.embeddedBroker ? "127.0.0.1" : config.mqtt_host });
  if (invocation.embeddedBroker) {
    broker = await embeddedBroker(invocation.brokerPort);
    config.mqtt_host = broker.host;
    config.mqtt_port = String(broker.port);
  }
  const checked = checkFirmwareConfig(config);
  const readings = deviceTopics(checked).readings;
  note(
    `board ${checked.sensorId} publishing to mqtt${checked.mqttTls ? "s" : ""}://${checked.mqttHost}:${checked.mqttPort} topic ${readings} ` +
      `every ${checked.sampleInterval / 1000} s${broker ? " (embedded broker)" : ""}; Ctrl-C stops`,
  );

  let seen = 0;
  const watcher = watchTopic(
    checked,
    readings,
    (topic, payload) => {
      process.stdout.write(`${topic} ${payload}\n`);
      seen++;
      if (invocation.count > 0 && seen >= invocation.count) void stop(0);
    },
    note,
  );

  let board: Board;
  try {
    board = new Board({ config, sim: invocation.sim });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  let firmware: RunningFirmware | undefined;
  let stopping = false;
  async function stop(code: number): Promise<void> {
    if (stopping) return;
    stopping = true;
    await firmware?.stop();
    board.shutdown();
    await watcher.close();
    await broker?.close();
    process.exit(code);
  }
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  firmware = await startFirmware(invocation.engine, board, { onFatal: () => void stop(1) });
}

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(`${helpText()}\n`);
} else {
  try {
    const base = manifestConfig(new URL("../../manifest.json", import.meta.url));
    await run(parseArgs(args, base));
  } catch (error) {
    process.stderr.write(`sim: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}
