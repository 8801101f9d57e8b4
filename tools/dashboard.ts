// `npm run dashboard -- key=value …`: a local web page with a live chart of lux per device,
// each device's online/offline status and state, and buttons that send commands and show
// their acknowledgements (tools/dashboard/).
import { startDashboard } from "./dashboard/server.js";

const log = (line: string) => process.stderr.write(`dashboard: ${line}\n`);

const KEYS = [
  { name: "mqtt_host", default: "127.0.0.1", help: "broker host" },
  { name: "mqtt_port", default: "1883", help: "broker TCP port" },
  { name: "mqtt_topic", default: "sensor-data", help: "topic of the readings" },
  { name: "http_host", default: "127.0.0.1", help: "address the page is served on (it can command devices: keep it local)" },
  { name: "http_port", default: "8080", help: "port the page is served on (0 = any free port)" },
  { name: "history", default: "600", help: "readings kept per device" },
];

function parse(args: string[]): Record<string, string> {
  const v: Record<string, string> = Object.fromEntries(KEYS.map((k) => [k.name, k.default]));
  for (const arg of args) {
    const eq = arg.indexOf("=");
    const key = arg.slice(0, eq);
    if (eq <= 0 || !KEYS.some((k) => k.name === key)) throw new Error(eq <= 0 ? `expected key=value, got "${arg}" (try --help)` : `unknown key "${key}" (try --help)`);
    v[key] = arg.slice(eq + 1);
  }
  for (const [key, min, max] of [["mqtt_port", 1, 65535], ["http_port", 0, 65535], ["history", 1, 1_000_000]] as const) {
    const n = Number(v[key]);
    if (!/^\d+$/.test(v[key]!) || n < min || n > max) throw new Error(`${key} must be a whole number from ${min} to ${max} (got "${v[key]}")`);
  }
  return v;
}

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(["usage: npm run dashboard -- [key=value …]", "", ...KEYS.map((k) => `  ${k.name.padEnd(11)} ${k.help} (default ${k.default})`), ""].join("\n"));
} else {
  let v: Record<string, string>;
  try {
    v = parse(args);
  } catch (error) {
    log((error as Error).message);
    process.exit(2);
  }
  try {
    const d = await startDashboard({
      mqttHost: v.mqtt_host!, mqttPort: Number(v.mqtt_port), topic: v.mqtt_topic!, httpHost: v.http_host!, httpPort: Number(v.http_port),
      history: Number(v.history), log,
    });
    log(`open ${d.url} (readings from mqtt://${v.mqtt_host}:${v.mqtt_port} topic ${v.mqtt_topic}); Ctrl-C stops`);
    const stop = () => void d.close().then(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  } catch (error) {
    log((error as Error).message);
    process.exit(1);
  }
}
