// `npm run dashboard -- key=value …`: a local web page with a live chart of lux per device,
// each device's online/offline status and state, and buttons that send commands and show
// their acknowledgements (tools/dashboard/). With db= it opens with the last hour of
// readings from the collector's PostgreSQL table.
import { startDashboard } from "./dashboard/server.js";

const log = (line: string) => process.stderr.write(`dashboard: ${line}\n`);

const KEYS = [
  { name: "mqtt_host", default: "127.0.0.1", help: "broker host" },
  { name: "mqtt_port", default: "1883", help: "broker TCP port" },
  { name: "mqtt_topic", default: "sensor-data", help: "topic of the readings" },
  {
    name: "payload_format",
    default: "thingflow",
    help: "what the boards publish: thingflow, json, or losant (readings and state on losant/+/state)",
  },
  {
    name: "http_host",
    default: "127.0.0.1",
    help: "address the page is served on; beyond loopback http_password and TLS are required",
  },
  { name: "http_port", default: "8080", help: "port the page is served on (0 = any free port)" },
  {
    name: "http_allowed_hosts",
    default: "",
    help: "comma-separated host names the page may be reached by besides localhost and http_host",
  },
  { name: "http_password", default: "", help: "password asked by the browser (HTTP Basic, any user name)" },
  { name: "http_tls_cert", default: "", help: "PEM certificate file: serve https" },
  { name: "http_tls_key", default: "", help: "PEM private key file for http_tls_cert" },
  {
    name: "http_insecure",
    default: "0",
    help: "1 = allow plain http beyond loopback (the password crosses the network in clear)",
  },
  { name: "history", default: "600", help: "readings kept per device (3600 with db=)" },
  { name: "max_devices", default: "200", help: "devices shown at most (the least recently heard goes first)" },
  { name: "device_ttl", default: "3600", help: "seconds after which a silent device is forgotten" },
  { name: "db", default: "", help: "postgres:// URL of the collector's database: open with the last hour of readings" },
  { name: "db_table", default: "luxflow_readings", help: "the collector's table" },
];

function parse(args: string[]): Record<string, string> {
  const v: Record<string, string> = Object.fromEntries(KEYS.map((k) => [k.name, k.default]));
  const given = new Set<string>();
  for (const arg of args) {
    const eq = arg.indexOf("=");
    const key = arg.slice(0, eq);
    if (eq <= 0 || !KEYS.some((k) => k.name === key))
      throw new Error(eq <= 0 ? `expected key=value, got "${arg}" (try --help)` : `unknown key "${key}" (try --help)`);
    v[key] = arg.slice(eq + 1);
    given.add(key);
  }
  if (v.db !== "" && !given.has("history")) v.history = "3600";
  for (const [key, min, max] of [
    ["mqtt_port", 1, 65535],
    ["http_port", 0, 65535],
    ["history", 1, 1_000_000],
    ["max_devices", 1, 100_000],
    ["device_ttl", 1, 365 * 86400],
  ] as const) {
    const n = Number(v[key]);
    if (!/^\d+$/.test(v[key]!) || n < min || n > max)
      throw new Error(`${key} must be a whole number from ${min} to ${max} (got "${v[key]}")`);
  }
  if (!["thingflow", "json", "losant"].includes(v.payload_format!))
    throw new Error(`payload_format must be thingflow, json or losant (got "${v.payload_format}")`);
  if (!["0", "1"].includes(v.http_insecure!))
    throw new Error(`http_insecure must be 1 or 0 (got "${v.http_insecure}")`);
  if (v.db !== "" && !/^postgres(ql)?:\/\//.test(v.db!)) throw new Error("db must be a postgres:// URL");
  return v;
}

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(
    [
      "usage: npm run dashboard -- [key=value …]",
      "",
      ...KEYS.map((k) => `  ${k.name.padEnd(18)} ${k.help} (default ${k.default === "" ? "none" : k.default})`),
      "",
    ].join("\n"),
  );
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
      mqttHost: v.mqtt_host!,
      mqttPort: Number(v.mqtt_port),
      topic: v.mqtt_topic!,
      httpHost: v.http_host!,
      httpPort: Number(v.http_port),
      history: Number(v.history),
      log,
      payloadFormat: v.payload_format as "thingflow" | "json" | "losant",
      allowedHosts: v
        .http_allowed_hosts!.split(",")
        .map((h) => h.trim())
        .filter((h) => h !== ""),
      password: v.http_password!,
      tlsCert: v.http_tls_cert!,
      tlsKey: v.http_tls_key!,
      insecure: v.http_insecure === "1",
      maxDevices: Number(v.max_devices),
      deviceTtlMs: Number(v.device_ttl) * 1000,
      ...(v.db !== "" ? { db: v.db!, dbTable: v.db_table! } : {}),
    });
    log(
      `open ${d.url} (readings from mqtt://${v.mqtt_host}:${v.mqtt_port} topic ${v.payload_format === "losant" ? "losant/+/state" : v.mqtt_topic}${v.db !== "" ? ", the last hour from the database" : ""}); Ctrl-C stops`,
    );
    const stop = () => void d.close().then(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  } catch (error) {
    log((error as Error).message);
    process.exit(1);
  }
}
