// End to end, connection profiles: each profile connects to a matching local mosquitto.
// `local` is plain TCP (covered by device-api.test.ts); `tls` and `losant` connect to a
// mosquitto with TLS (a throwaway CA and server certificate made with openssl at test time)
// and a password file (mosquitto_passwd -b); losant also uses Losant's topics. Secrets never
// appear in the board's output, and a profile's missing key fails the boot naming it.
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { connect } from "mqtt";
import { freePort, mosquittoPath, waitForPort } from "../../host-sim/faults/brokers.js";
import { runSim, which } from "../helpers/sim.js";
import { until } from "../helpers/wait.js";

const PASSWD = which("mosquitto_passwd");
const OPENSSL = which("openssl");
const missing =
  mosquittoPath() === undefined || PASSWD === undefined || OPENSSL === undefined
    ? "mosquitto, mosquitto_passwd or openssl is not installed"
    : false;
if (missing && process.env.CI === "true") throw new Error(`CI=true: ${missing}`);

const USER = "board-7";
const SECRET = "s3cret-Value-9f2";
const DEVICE_ID = "5f9a1c2b3d4e5f6a7b8c9d0e";

function makeCerts(dir: string): void {
  const run = (...args: string[]) => execFileSync(OPENSSL!, args, { cwd: dir, stdio: "ignore" });
  run(
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=luxflow test CA",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
  );
  run(
    "req",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-subj",
    "/CN=127.0.0.1",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
  );
  writeFileSync(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
  run(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "1",
    "-extfile",
    "san.ext",
    "-out",
    "server.pem",
  );
}

describe("connection profiles against matching mosquitto configurations", { skip: missing }, () => {
  let dir: string;
  let port: number;
  let broker: ChildProcess;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "luxflow-tls-"));
    chmodSync(dir, 0o755);
    makeCerts(dir);
    execFileSync(PASSWD!, ["-c", "-b", join(dir, "passwd"), USER, SECRET]);
    execFileSync(PASSWD!, ["-b", join(dir, "passwd"), "losant-key", SECRET]);
    for (const f of ["server.key", "passwd", "ca.pem", "server.pem"]) chmodSync(join(dir, f), 0o644);
    port = await freePort();
    writeFileSync(
      join(dir, "mosquitto.conf"),
      [
        `listener ${port} 127.0.0.1`,
        "allow_anonymous false",
        `password_file ${join(dir, "passwd")}`,
        `cafile ${join(dir, "ca.pem")}`,
        `certfile ${join(dir, "server.pem")}`,
        `keyfile ${join(dir, "server.key")}`,
        "log_type none",
        "",
      ].join("\n"),
    );
    broker = spawn(mosquittoPath()!, ["-c", join(dir, "mosquitto.conf")], { stdio: "ignore" });
    await waitForPort(port);
  });
  after(async () => {
    if (broker?.exitCode === null)
      await new Promise<void>((resolve) => {
        broker.once("exit", () => resolve());
        broker.kill("SIGTERM");
      });
    rmSync(dir, { recursive: true, force: true });
  });

  async function watch(
    topics: string[],
    user: string,
  ): Promise<{ messages: { topic: string; text: string }[]; wait(topic: string): Promise<string>; end(): void }> {
    const client = connect({
      host: "127.0.0.1",
      port,
      protocol: "mqtts",
      ca: readFileSync(join(dir, "ca.pem")),
      username: user,
      password: SECRET,
      protocolVersion: 4,
    });
    const messages: { topic: string; text: string }[] = [];
    const waiters: { topic: string; resolve(text: string): void }[] = [];
    client.on("message", (topic, payload) => {
      messages.push({ topic, text: payload.toString() });
      for (const w of [...waiters])
        if (w.topic === topic) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(payload.toString());
        }
    });
    await new Promise<void>((resolve, reject) => {
      client.once("error", reject);
      client.once("connect", () => client.subscribe(topics, { qos: 1 }, () => resolve()));
    });
    return {
      messages,
      wait: (topic) =>
        new Promise((resolve, reject) => {
          const seen = messages.find((m) => m.topic === topic);
          if (seen) return resolve(seen.text);
          const t = setTimeout(() => reject(new Error(`nothing on ${topic}`)), 15_000);
          waiters.push({
            topic,
            resolve: (text) => {
              clearTimeout(t);
              resolve(text);
            },
          });
        }),
      end: () => client.end(true),
    };
  }

  test("profile=tls: TLS with the test CA, user name and password; readings arrive; the password is never printed", async () => {
    const sub = await watch(["sensor-data"], USER);
    const sim = runSim([
      "profile=tls",
      "mqtt_host=127.0.0.1",
      `mqtt_port=${port}`,
      `mqtt_ca=${join(dir, "ca.pem")}`,
      `mqtt_user=${USER}`,
      `mqtt_password=${SECRET}`,
      "sample_interval=0.2",
    ]);
    try {
      const text = await sub.wait("sensor-data");
      assert.match(text, /^\["lux-1", \d+, [\d.]+\]$/);
      await sim.waitFor("stderr", /mqtt: connected to 127\.0\.0\.1/);
    } finally {
      await sim.stop();
      sub.end();
    }
    assert.ok(
      !sim.stderr.join("\n").includes(SECRET) && !sim.stdout.join("\n").includes(SECRET),
      "the secret never appears in the output",
    );
  });

  test("profile=losant: device id as client id, key and secret as credentials, TLS, Losant state and command topics", async () => {
    const sub = await watch([`losant/${DEVICE_ID}/state`, "lux-1/result"], "losant-key");
    const sim = runSim([
      "profile=losant",
      "mqtt_host=127.0.0.1",
      `mqtt_port=${port}`,
      `mqtt_ca=${join(dir, "ca.pem")}`,
      `mqtt_client_id=${DEVICE_ID}`,
      "mqtt_user=losant-key",
      `mqtt_password=${SECRET}`,
      "sample_interval=0.2",
    ]);
    try {
      await sim.waitFor("stderr", new RegExp(`mqtt: connected to 127\\.0\\.0\\.1:${port} as ${DEVICE_ID}`));
      const losantStates = () =>
        sub.messages
          .filter((m) => m.topic === `losant/${DEVICE_ID}/state`)
          .map((m) => JSON.parse(m.text) as { data: Record<string, unknown>; time?: number });
      await until(
        () =>
          losantStates().some((s) => "lux" in s.data) &&
          losantStates().some((s) => s.data.config_version !== undefined),
        "a reading and the device state on the Losant state topic",
        { timeoutMs: 10_000, detail: () => `${JSON.stringify(losantStates())}\n${sim.stderr.join("\n")}` },
      );
      const states = losantStates();
      const reading = states.find((s) => "lux" in s.data);
      assert.ok(
        reading !== undefined,
        `a reading as {"data": {"lux": …}}: ${JSON.stringify(states)}\n${sim.stderr.join("\n")}`,
      );
      assert.ok(typeof reading.time === "number" && reading.time > 1.5e12, "network time in ms");
      assert.ok(
        states.some((s) => s.data.config_version !== undefined && s.data.profile === "losant"),
        "the device state as Losant data",
      );
      const publisher = await watch([], "losant-key");
      publisher.end();
      const client = connect({
        host: "127.0.0.1",
        port,
        protocol: "mqtts",
        ca: readFileSync(join(dir, "ca.pem")),
        username: USER,
        password: SECRET,
        protocolVersion: 4,
      });
      await new Promise<void>((resolve) => client.once("connect", () => resolve()));
      client.publish(`losant/${DEVICE_ID}/command`, JSON.stringify({ name: "report_state", payload: {}, time: 42 }), {
        qos: 1,
      });
      const ack = JSON.parse(await sub.wait("lux-1/result")) as Record<string, unknown>;
      client.end(true);
      assert.deepEqual(ack, {
        name: "report_state",
        time: 42,
        ok: true,
        message: `state published to losant/${DEVICE_ID}/state`,
      });
    } finally {
      await sim.stop();
      sub.end();
    }
    assert.ok(!sim.stderr.join("\n").includes(SECRET), "the secret never appears in the output");
  });

  test("a profile's missing key fails the boot with a message naming it, and never shows a secret", async () => {
    const noId = runSim(["profile=losant", "mqtt_user=k", `mqtt_password=${SECRET}`]);
    assert.equal(await noId.exited, 2);
    assert.match(
      noId.stderr.join("\n"),
      /config: mqtt_client_id is required by profile=losant \(the Losant device id\)/,
    );
    const noPassword = runSim(["profile=tls", "mqtt_host=127.0.0.1", "mqtt_user=u"]);
    assert.equal(await noPassword.exited, 2);
    assert.match(noPassword.stderr.join("\n"), /config: mqtt_password is required by profile=tls/);
    const tooLong = runSim(["mqtt_host=127.0.0.1", `mqtt_password=${"x".repeat(300)}`]);
    assert.equal(await tooLong.exited, 2);
    assert.match(tooLong.stderr.join("\n"), /mqtt_password must be at most 256 characters \(got a secret, not shown\)/);
    assert.ok(!noId.stderr.join("\n").includes(SECRET));
  });
});
