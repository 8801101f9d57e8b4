// The collector's command line: key=value words, as the simulator takes them; the MQTT key
// names are the firmware's (src/config.ts) where they mean the same thing.

export class UsageError extends Error {
  override name = "UsageError";
}

interface Key {
  readonly name: string;
  readonly default: string;
  readonly help: string;
}

export const COLLECTOR_KEYS: readonly Key[] = Object.freeze([
  { name: "mqtt_host", default: "127.0.0.1", help: "broker host" },
  { name: "mqtt_port", default: "1883", help: "broker TCP port" },
  {
    name: "mqtt_topic",
    default: "sensor-data",
    help: "topic (filter) of the readings; wildcards and $share/<group>/<filter> allowed (default with payload_format=losant: losant/+/state)",
  },
  {
    name: "payload_format",
    default: "thingflow",
    help: "what the boards publish: thingflow, json or losant (all three are parsed; losant changes the default topic)",
  },
  { name: "mqtt_client_id", default: "luxflow-collector", help: "client id; the broker keeps this id's session" },
  { name: "mqtt_user", default: "", help: "user name (none: anonymous)" },
  { name: "mqtt_password", default: "", help: "password (never logged)" },
  {
    name: "mqtt_clean",
    default: "0",
    help: "0 = persistent session: the broker queues readings while the collector is away",
  },
  { name: "qos", default: "1", help: "subscription QoS (1: nothing lost; duplicates are dropped by seq)" },
  { name: "out", default: "luxflow.csv", help: "CSV file to append to (unless db= is given)" },
  { name: "db", default: "", help: "postgres://user:password@host:port/database: write to PostgreSQL instead of CSV" },
  { name: "db_table", default: "luxflow_readings", help: "table for the readings (created if missing)" },
  { name: "db_batch", default: "1000", help: "rows per INSERT at most" },
  { name: "db_flush_ms", default: "5", help: "ms to wait for more rows before a batch is sent" },
  {
    name: "timestamps",
    default: "host",
    help: "host: timestamp column = arrival time (ThingFlow's server.py); device: the device's",
  },
  { name: "rotate_bytes", default: "0", help: "start a new file before this size in bytes (0 = never)" },
  { name: "rotate_daily", default: "0", help: "1 = start a new file each UTC day" },
  {
    name: "recover_bytes",
    default: "4194304",
    help: "bytes of the newest files read back on start to recover the last seq per device",
  },
]);

export interface CollectorArgs {
  readonly host: string;
  readonly port: number;
  readonly topic: string;
  readonly clientId: string;
  readonly username: string;
  readonly password: string;
  readonly clean: boolean;
  readonly qos: 0 | 1 | 2;
  readonly out: string;
  readonly timestamps: "host" | "device";
  readonly rotateBytes: number;
  readonly rotateDaily: boolean;
  readonly recoverBytes: number;
  readonly payloadFormat: "thingflow" | "json" | "losant";
  /** PostgreSQL URL, or "" for CSV. */
  readonly db: string;
  readonly dbTable: string;
  readonly dbBatch: number;
  readonly dbFlushMs: number;
  /** The topic is a shared subscription ($share/<group>/<filter>). */
  readonly shared: boolean;
}

function whole(v: Record<string, string>, key: string, min: number, max: number): number {
  const text = v[key]!;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new UsageError(`${key} must be a whole number from ${min} to ${max} (got "${text}")`);
  return n;
}

function flag(v: Record<string, string>, key: string): boolean {
  const text = v[key]!;
  if (text === "1" || text === "true") return true;
  if (text === "0" || text === "false") return false;
  throw new UsageError(`${key} must be 1 or 0 (got "${text}")`);
}

export function parseCollectorArgs(args: readonly string[]): CollectorArgs {
  const v: Record<string, string> = Object.fromEntries(COLLECTOR_KEYS.map((k) => [k.name, k.default]));
  for (const arg of args) {
    const eq = arg.indexOf("=");
    if (eq <= 0) throw new UsageError(`expected key=value, got "${arg}" (try --help)`);
    const key = arg.slice(0, eq);
    if (!COLLECTOR_KEYS.some((k) => k.name === key)) throw new UsageError(`unknown key "${key}" (try --help)`);
    v[key] = arg.slice(eq + 1);
  }
  const explicit = new Set(args.map((a) => a.slice(0, a.indexOf("="))));
  const format = v.payload_format!;
  if (format !== "thingflow" && format !== "json" && format !== "losant")
    throw new UsageError(`payload_format must be thingflow, json or losant (got "${format}")`);
  if (format === "losant" && !explicit.has("mqtt_topic")) v.mqtt_topic = "losant/+/state";
  const db = v.db!;
  if (db !== "" && !/^postgres(ql)?:\/\//.test(db))
    throw new UsageError(`db must be a postgres:// URL (got "${db.replace(/:[^:@/]*@/, ":***@")}")`);
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(v.db_table!))
    throw new UsageError(`db_table must be a lower-case SQL name (letters, digits, _), got "${v.db_table}"`);
  const share = /^\$share\/([^/+#]+)\/(.+)$/.exec(v.mqtt_topic!);
  if (v.mqtt_topic!.startsWith("$share") && share === null)
    throw new UsageError(`a shared subscription is $share/<group>/<filter> (got "${v.mqtt_topic}")`);
  const timestamps = v.timestamps!;
  if (timestamps !== "host" && timestamps !== "device")
    throw new UsageError(`timestamps must be host or device (got "${timestamps}")`);
  if (v.mqtt_topic === "") throw new UsageError("mqtt_topic must not be empty");
  if (v.out === "") throw new UsageError("out must name a file");
  return {
    host: v.mqtt_host!,
    port: whole(v, "mqtt_port", 1, 65535),
    topic: v.mqtt_topic!,
    clientId: v.mqtt_client_id!,
    username: v.mqtt_user!,
    password: v.mqtt_password!,
    clean: flag(v, "mqtt_clean"),
    qos: whole(v, "qos", 0, 2) as 0 | 1 | 2,
    out: v.out!,
    timestamps,
    rotateBytes: whole(v, "rotate_bytes", 0, Number.MAX_SAFE_INTEGER),
    rotateDaily: flag(v, "rotate_daily"),
    recoverBytes: whole(v, "recover_bytes", 0, 1 << 30),
    payloadFormat: format,
    db,
    dbTable: v.db_table!,
    dbBatch: whole(v, "db_batch", 1, 100_000),
    dbFlushMs: whole(v, "db_flush_ms", 0, 60_000),
    shared: share !== null,
  };
}

export function collectorHelp(): string {
  const lines = [
    "usage: luxflow-collect [key=value …]   (npm run collect -- key=value …)",
    "",
    "Subscribes to the readings and appends them to a CSV file, or writes them to PostgreSQL (db=).",
    "",
  ];
  for (const k of COLLECTOR_KEYS)
    lines.push(`  ${k.name.padEnd(15)} ${k.help} (default ${k.default === "" ? "none" : k.default})`);
  return lines.join("\n");
}
