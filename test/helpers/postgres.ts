// Debian's PostgreSQL for tests and benchmarks, in a throwaway cluster: initdb into a temp
// directory, the server on a free port on 127.0.0.1 (and a socket in that directory), trust
// authentication, killed and restarted on the same port and data by the test. PostgreSQL
// refuses to run as root, so as root (CI) the cluster belongs to `nobody` and the server runs
// as that user through setpriv. Under CI=true a missing PostgreSQL is an error; elsewhere the
// tests skip with postgresMissing's reason.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, serverProcess } from "../../host-sim/faults/brokers.js";
import { until } from "./wait.js";

/** The directory of initdb and postgres: the newest /usr/lib/postgresql/<n>/bin, else pg_config's. */
export function postgresBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, "bin", "postgres")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return join(root, versions[0]!, "bin");
  }
  const pgConfig = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" });
  const dir = pgConfig.status === 0 ? pgConfig.stdout.trim() : "";
  return dir !== "" && existsSync(join(dir, "postgres")) ? dir : undefined;
}

/** false when PostgreSQL can be started, else why not (for `skip`). Throws under CI=true. */
export function postgresMissing(): string | false {
  if (postgresBin() !== undefined) return false;
  const why = "PostgreSQL is not installed (apt-get install postgresql); skipping the tests that need it";
  if (process.env.CI === "true")
    throw new Error(`CI=true: ${why.replace("; skipping the tests that need it", "")}, and CI must not skip them`);
  return why;
}

export interface TestPostgres {
  readonly port: number;
  /** The cluster's directory (owned by the server's user). */
  readonly dir: string;
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  /** Fast shutdown (connections are cut, committed data stays); restart() brings it back. */
  kill(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

const NOBODY = 65534;

export interface PostgresOptions {
  /** fsync and synchronous_commit as PostgreSQL ships them (on) — for benchmarks; tests turn them off. */
  readonly durable?: boolean;
  /** More `name=value` server settings (-c). */
  readonly settings?: readonly string[];
}

export async function startPostgres(options: PostgresOptions = {}): Promise<TestPostgres> {
  const bin = postgresBin();
  if (bin === undefined) throw new Error("PostgreSQL is not installed (apt-get install postgresql)");
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), "luxflow-pg-"));
  const data = join(dir, "data");
  const asUser = (cmd: string, args: string[]) =>
    root
      ? (["setpriv", [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "--", cmd, ...args]] as const)
      : ([cmd, args] as const);
  if (root) {
    chownSync(dir, NOBODY, NOBODY);
    chmodSync(dir, 0o700);
  }
  const [initCmd, initArgs] = asUser(join(bin, "initdb"), [
    "-D",
    data,
    "-A",
    "trust",
    "-U",
    "postgres",
    "-E",
    "UTF8",
    "--no-sync",
    "--locale=C",
  ]);
  const init = spawnSync(initCmd, initArgs, { encoding: "utf8", cwd: dir });
  if (init.status !== 0) throw new Error(`initdb failed: ${(init.stderr || init.stdout || String(init.error)).trim()}`);
  const port = await freePort();
  const settings = [
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    `unix_socket_directories=${dir}`,
    "-c",
    "max_connections=50",
    "-c",
    "shared_buffers=64MB",
  ];
  if (options.durable !== true)
    settings.push("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off");
  for (const s of options.settings ?? []) settings.push("-c", s);
  const { up, down } = serverProcess({
    name: "postgres",
    port,
    spawn: () => {
      const [cmd, args] = asUser(join(bin, "postgres"), ["-D", data, "-p", String(port), ...settings]);
      return spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"], cwd: dir });
    },
    timeoutMs: 20_000,
    // Accepting TCP is not yet accepting queries: wait for "ready to accept connections".
    ready: async (stderr, c) => {
      await until(
        () => /ready to accept connections/.test(stderr()) || c.exitCode !== null,
        "postgres to accept connections",
        { timeoutMs: 20_000, everyMs: 25 },
      );
      if (c.exitCode !== null) throw new Error(`exited with ${c.exitCode}`);
    },
    // SIGINT: PostgreSQL's "fast" shutdown (cuts the connections, checkpoints, exits).
    stop: "SIGINT",
  });
  await up();
  return {
    port,
    dir,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    kill: down,
    restart: up,
    close: async () => {
      await down();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
