// Real brokers for tests, on 127.0.0.1, that a test can kill and restart on the same port:
// aedes in-process (its in-memory persistence is kept across restarts, so persistent sessions
// survive) and mosquitto as a child process (its persistence file survives restarts).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Aedes } from "aedes";
import { createRequire } from "node:module";

/** aedes-persistence is CommonJS: its module value is the memory-persistence factory. */
const memory = createRequire(import.meta.url)("aedes-persistence") as () => unknown;

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const a = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (a === null || typeof a === "string") throw new Error("no port");
  return a.port;
}

/** Resolves once something accepts TCP connections on the port. */
export async function waitForPort(port: number, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: "127.0.0.1", port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A server child process that can be stopped and started again on the same port: `up()` spawns
 * it and waits for its port (then for `ready`, given its stderr so far), killing it with a
 * readable error if it does not come up; `down()` sends `stop` and waits for the exit.
 */
export function serverProcess(o: {
  name: string;
  port: number;
  spawn: () => ChildProcess;
  stop: NodeJS.Signals;
  timeoutMs?: number;
  ready?: (stderr: () => string, child: ChildProcess) => Promise<void>;
}): { up(): Promise<void>; down(): Promise<void> } {
  let child: ChildProcess | undefined;
  return {
    async up() {
      const c = o.spawn();
      child = c;
      let stderr = "";
      c.stderr?.on("data", (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-4000);
      });
      try {
        await waitForPort(o.port, o.timeoutMs);
        await o.ready?.(() => stderr, c);
      } catch (e) {
        c.kill("SIGKILL");
        throw new Error(`${o.name} did not start on ${o.port}: ${stderr.trim() || (e as Error).message}`);
      }
    },
    async down() {
      const c = child;
      child = undefined;
      if (c === undefined || c.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once("exit", () => resolve());
        c.kill(o.stop);
      });
    },
  };
}

export interface TestBroker {
  readonly port: number;
  readonly name: string;
  /** Stops the broker (connections drop); restart() brings it back on the same port. */
  kill(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startAedes(port = 0): Promise<TestBroker> {
  const chosen = port || (await freePort());
  let broker: Aedes | undefined;
  let server: Server | undefined;
  const sockets = new Set<import("node:net").Socket>();
  const persistence: unknown = memory();
  const up = async () => {
    broker = await Aedes.createBroker({ persistence });
    const s = createServer(broker.handle);
    s.on("connection", (c) => {
      sockets.add(c);
      c.on("close", () => sockets.delete(c));
    });
    server = s;
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.listen(chosen, "127.0.0.1", () => resolve());
    });
  };
  const down = async () => {
    const s = server;
    const b = broker;
    server = undefined;
    broker = undefined;
    if (s) {
      const closed = new Promise<void>((resolve) => s.close(() => resolve()));
      for (const c of sockets) c.destroy();
      await closed;
    }
    if (b) await new Promise<void>((resolve) => b.close(() => resolve()));
  };
  await up();
  return { port: chosen, name: "aedes", kill: down, restart: up, close: down };
}

/** The mosquitto binary, or undefined. Under CI=true a missing binary is an error, not a skip. */
export function mosquittoPath(): string | undefined {
  for (const p of ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"])
    if (existsSync(p)) return p;
  const which = spawnSync("sh", ["-c", "command -v mosquitto"], { encoding: "utf8" });
  const found = which.stdout.trim();
  if (found) return found;
  if (process.env.CI === "true")
    throw new Error("mosquitto is not installed, and CI=true forbids skipping its tests (apt-get install mosquitto)");
  return undefined;
}

/** `extra`: more mosquitto.conf lines (e.g. "max_packet_size 300"). */
export async function startMosquitto(port = 0, extra: readonly string[] = []): Promise<TestBroker> {
  const bin = mosquittoPath();
  if (bin === undefined) throw new Error("mosquitto is not installed");
  const chosen = port || (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "luxflow-mosquitto-"));
  // Started as root, mosquitto drops to its own user: it must still be able to write its database.
  chmodSync(dir, 0o777);
  const conf = join(dir, "mosquitto.conf");
  writeFileSync(
    conf,
    [
      `listener ${chosen} 127.0.0.1`,
      "allow_anonymous true",
      "persistence true",
      `persistence_location ${dir}/`,
      "max_queued_messages 0",
      "max_inflight_messages 0",
      "log_type none",
      ...extra,
      "",
    ].join("\n"),
  );
  const { up, down } = serverProcess({
    name: "mosquitto",
    port: chosen,
    spawn: () => spawn(bin, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] }),
    // SIGTERM: mosquitto writes its persistence file (sessions, queued messages) and exits.
    stop: "SIGTERM",
  });
  await up();
  return {
    port: chosen,
    name: "mosquitto",
    kill: down,
    restart: up,
    close: async () => {
      await down();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's rabbitmq-server, or undefined. Under CI=true a missing one is an error, not a skip. */
export function rabbitMqPath(): string | undefined {
  const bin = "/usr/lib/rabbitmq/bin/rabbitmq-server";
  if (existsSync(bin) && existsSync("/usr/lib/erlang/bin/epmd")) return bin;
  if (process.env.CI === "true")
    throw new Error(
      "rabbitmq-server is not installed, and CI=true forbids skipping its tests (apt-get install rabbitmq-server)",
    );
  return undefined;
}

/**
 * RabbitMQ with its MQTT plugin on free ports, under its own RABBITMQ_* environment in a
 * temporary directory (its own node name, Erlang port mapper, AMQP, distribution and MQTT
 * ports), so it shares nothing with another RabbitMQ on the machine. Stopped by its PID.
 */
export async function startRabbitMq(): Promise<TestBroker> {
  const bin = rabbitMqPath();
  if (bin === undefined) throw new Error("rabbitmq-server is not installed");
  const [amqp, dist, epmdPort, mqtt] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), "luxflow-rabbitmq-"));
  writeFileSync(
    join(dir, "rabbitmq.conf"),
    [
      `listeners.tcp.1 = 127.0.0.1:${amqp}`,
      `mqtt.listeners.tcp.1 = 127.0.0.1:${mqtt}`,
      "mqtt.allow_anonymous = true",
      "loopback_users = none",
      "log.console = false",
      "",
    ].join("\n"),
  );
  writeFileSync(join(dir, "enabled_plugins"), "[rabbitmq_mqtt].\n");
  const env = {
    ...process.env,
    HOME: dir,
    ERL_EPMD_PORT: String(epmdPort),
    RABBITMQ_NODENAME: `luxflow${process.pid}@localhost`,
    RABBITMQ_NODE_PORT: String(amqp),
    RABBITMQ_DIST_PORT: String(dist),
    RABBITMQ_MNESIA_BASE: join(dir, "mnesia"),
    RABBITMQ_LOG_BASE: join(dir, "log"),
    RABBITMQ_CONFIG_FILE: join(dir, "rabbitmq"),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, "enabled_plugins"),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, "advanced.config"),
  };
  // Our own port mapper first (a child we can stop), so rabbitmq-server does not start a daemon of its own.
  const epmd = spawn("/usr/lib/erlang/bin/epmd", ["-port", String(epmdPort), "-address", "127.0.0.1"], {
    env,
    stdio: "ignore",
  });
  await waitForPort(epmdPort);
  const server = spawn(bin, [], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  server.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  server.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const stop = async () => {
    if (server.exitCode === null && server.pid !== undefined) {
      const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
      try {
        process.kill(-server.pid, "SIGTERM");
      } catch {
        /* already gone */
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      try {
        process.kill(-server.pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    if (epmd.exitCode === null) epmd.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(mqtt, 60_000);
  } catch (e) {
    await stop();
    throw new Error(`rabbitmq-server did not open its MQTT port: ${(e as Error).message}\n${output.slice(-2000)}`);
  }
  const none = async () => {
    throw new Error("restarting RabbitMQ is not supported here");
  };
  return { port: mqtt, name: "rabbitmq", kill: none, restart: none, close: stop };
}
