// A real mosquitto broker (Debian's package) on a free loopback port, started by the test.
// Under CI=true a missing mosquitto is a failure, never a skip (.ci/run installs it).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./sim.js";

export interface Mosquitto {
  readonly port: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

function which(program: string): string | undefined {
  const found = spawnSync("sh", ["-c", `command -v ${program}`], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

export const MOSQUITTO = which("mosquitto") ?? (spawnSync("test", ["-x", "/usr/sbin/mosquitto"]).status === 0 ? "/usr/sbin/mosquitto" : undefined);
export const MOSQUITTO_SUB = which("mosquitto_sub");

/** The skip reason for node:test, or false to run. Throws under CI=true when missing. */
export function mosquittoSkip(): string | false {
  if (MOSQUITTO !== undefined && MOSQUITTO_SUB !== undefined) return false;
  const reason = "mosquitto and mosquitto-clients are not installed (apt-get install mosquitto mosquitto-clients)";
  if (process.env.CI === "true") throw new Error(`CI=true: ${reason}`);
  return reason;
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
  });
}

export async function startMosquitto(port?: number): Promise<Mosquitto> {
  if (MOSQUITTO === undefined) throw new Error("mosquitto is not installed");
  const chosen = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "luxflow-mosquitto-"));
  const conf = join(dir, "mosquitto.conf");
  writeFileSync(conf, `listener ${chosen} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  const child = spawn(MOSQUITTO, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
  let errors = "";
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (errors += text));
  for (let i = 0; i < 100; i++) {
    if (await reachable(chosen)) break;
    if (child.exitCode !== null) throw new Error(`mosquitto exited: ${errors}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port: chosen,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
