// Runs the simulator's command line (`npm start -- …`) as a child process, the way a user
// does, and collects what it prints.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mosquittoPath } from "../../host-sim/faults/brokers.js";

const register = new URL("../../host-sim/loader/register.js", import.meta.url).pathname;
const cli = new URL("../../host-sim/cli.js", import.meta.url).pathname;

export interface SimProcess {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the first stdout/stderr line matching, or rejects after timeoutMs. */
  waitFor(stream: "stdout" | "stderr", pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

export function runSim(args: string[]): SimProcess {
  const child = spawn(process.execPath, ["--enable-source-maps", "--import", register, cli, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  const waiters: { stream: "stdout" | "stderr"; pattern: RegExp; resolve(line: string): void }[] = [];
  for (const stream of ["stdout", "stderr"] as const) {
    let partial = "";
    child[stream]!.setEncoding("utf8").on("data", (text: string) => {
      partial += text;
      const parts = partial.split("\n");
      partial = parts.pop() ?? "";
      for (const line of parts) {
        lines[stream].push(line);
        for (const waiter of [...waiters]) {
          if (waiter.stream === stream && waiter.pattern.test(line)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
        }
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    stdout: lines.stdout,
    stderr: lines.stderr,
    exited,
    waitFor(stream, pattern, timeoutMs = 15_000) {
      const already = lines[stream].find((line) => pattern.test(line));
      if (already !== undefined) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `no ${stream} line matching ${pattern} within ${timeoutMs} ms; stderr:\n${lines.stderr.join("\n")}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({
          stream,
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

/** The path of a program on PATH, or undefined. */
export function which(program: string): string | undefined {
  const found = spawnSync("sh", ["-c", `command -v ${program}`], { encoding: "utf8" });
  return found.status === 0 && found.stdout.trim() !== "" ? found.stdout.trim() : undefined;
}

/**
 * mosquitto and `mosquitto_pub` for the command tests: the client's path, and why they would skip
 * (false when both are there). Under CI=true a missing one is an error, not a skip.
 */
export function mosquittoWithPub(): { pub: string | undefined; missing: string | false } {
  const pub = which("mosquitto_pub");
  const missing =
    mosquittoPath() === undefined || pub === undefined ? "mosquitto and mosquitto-clients are not installed" : false;
  if (missing && process.env.CI === "true") throw new Error(`CI=true: ${missing}`);
  return { pub, missing };
}

/** Parses a `topic ["id", ts, value]` line printed by the simulator or `mosquitto_sub -v`. */
export function parseReadingLine(line: string): { topic: string; id: string; ts: number; value: number | null } {
  const space = line.indexOf(" ");
  const [id, ts, value] = JSON.parse(line.slice(space + 1)) as [string, number, number | null];
  return { topic: line.slice(0, space), id, ts, value };
}
