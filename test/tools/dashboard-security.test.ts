// Issue 12, defect 4: the dashboard obeyed any web page. Here it is attacked the ways the
// issue names — a cross-origin form POST, a rebound Host name, a command the page does not
// offer, a flood of fake devices, and an open bind without a password — over real HTTP, with
// a real (embedded) broker and a real MQTT subscriber watching what gets published.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { request as httpsRequest } from "node:https";
import { after, before, describe, test } from "node:test";
import { connect, type MqttClient } from "mqtt";
import { startEmbeddedBroker, type EmbeddedBroker } from "../../host-sim/broker.js";
import { DashboardModel } from "../../tools/dashboard/model.js";
import { startDashboard, type Dashboard } from "../../tools/dashboard/server.js";
import { sleep, until } from "../helpers/wait.js";

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function http(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: o.method ?? "GET",
        headers: o.headers ?? {},
      },
      (res) => {
        let body = "";
        res
          .setEncoding("utf8")
          .on("data", (c: string) => {
            body += c;
          })
          .on("end", () => resolve({ status: res.statusCode!, body, headers: res.headers }));
      },
    );
    req.on("error", reject);
    req.end(o.body);
  });
}

describe("dashboard against a hostile page", () => {
  let broker: EmbeddedBroker;
  let dash: Dashboard;
  let watcher: MqttClient;
  const published: string[] = [];
  let origin: string;

  before(async () => {
    broker = await startEmbeddedBroker(0);
    dash = await startDashboard({
      mqttHost: "127.0.0.1",
      mqttPort: broker.port,
      topic: "sensor-data",
      httpHost: "127.0.0.1",
      httpPort: 0,
      history: 100,
      log: () => {},
    });
    origin = dash.url.replace(/\/$/, "");
    watcher = connect({ host: "127.0.0.1", port: broker.port, protocolVersion: 4 });
    watcher.on("message", (topic, payload) => published.push(`${topic} ${payload.toString()}`));
    await new Promise<void>((resolve) =>
      watcher.on("connect", () => watcher.subscribe("+/command", { qos: 1 }, () => resolve())),
    );
    await until(() => dash.mqtt.connected, "the dashboard connected to the broker");
  });
  after(async () => {
    watcher?.end(true);
    await dash?.close();
    await broker?.close();
  });

  const good = (body: unknown, extra: Record<string, string> = {}) => ({
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", origin, "x-luxflow-token": dash.token, ...extra },
  });

  /**
   * Sends a good command and waits until the watcher has it: the dashboard publishes in order
   * on one connection, so anything it published before has arrived by then.
   */
  let marker = 1000;
  const flushed = async () => {
    const time = marker++;
    const r = await http(`${origin}/command`, good({ id: "lux-1", name: "identify", time }));
    assert.equal(r.status, 202, r.body);
    await until(() => published.some((p) => p.includes(`"time":${time}`)), `the marker command ${time} at the watcher`);
  };

  test("the page carries its token; a same-origin command with it is published", async () => {
    const page = await http(dash.url);
    assert.equal(page.status, 200);
    assert.ok(page.body.includes(`<meta name="luxflow-token" content="${dash.token}">`));
    assert.match(String(page.headers["content-security-policy"]), /default-src 'self'/);
    const r = await http(`${origin}/command`, good({ id: "lux-1", name: "identify", time: 11 }));
    assert.equal(r.status, 202, r.body);
    await until(() => published.some((p) => p.includes('"time":11')), "the command at the watcher");
    assert.ok(published.includes('lux-1/command {"name":"identify","payload":{},"time":11}'), published.join("\n"));
  });

  test("a text/plain form POST from another origin is refused and publishes nothing", async () => {
    const body = '{"id":"lux-1","name":"set_interval","payload":{"seconds":3600},"time":12}';
    const forged = await http(`${origin}/command`, {
      method: "POST",
      body,
      headers: { "content-type": "text/plain", origin: "http://evil.example" },
    });
    assert.equal(forged.status, 403, forged.body);
    assert.match(forged.body, /origin http:\/\/evil\.example is not this dashboard's/);
    const noToken = await http(`${origin}/command`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", origin },
    });
    assert.equal(noToken.status, 403);
    assert.match(noToken.body, /token/);
    const plain = await http(`${origin}/command`, {
      method: "POST",
      body,
      headers: { "content-type": "text/plain", origin, "x-luxflow-token": dash.token },
    });
    assert.equal(plain.status, 415);
    await flushed();
    assert.ok(!published.some((p) => p.includes('"time":12')), published.join("\n"));
  });

  test("a request for another host name (DNS rebinding) is refused", async () => {
    for (const path of ["/", "/events", "/command"]) {
      const r = await http(`${origin}${path}`, { headers: { host: `evil.example:${new URL(origin).port}` } });
      assert.equal(r.status, 421, `${path}: ${r.body}`);
    }
    assert.equal((await http(`${origin}/`, { headers: { host: `localhost:${new URL(origin).port}` } })).status, 200);
  });

  test("only the commands the page offers pass", async () => {
    for (const name of ["restart", "reset_settings", "set_integration"]) {
      const r = await http(`${origin}/command`, good({ id: "lux-1", name, time: 13 }));
      assert.equal(r.status, 400, name);
      assert.match(r.body, /not one this dashboard sends \(set_interval, set_gain, identify\)/);
    }
    const r = await http(
      `${origin}/command`,
      good({ id: "lux-1", name: "set_gain", payload: { gain: "huge", extra: 1 }, time: 14 }),
    );
    assert.equal(r.status, 400);
    await flushed();
    assert.ok(!published.some((p) => /"time":1[34]/.test(p)), published.join("\n"));
  });

  test("5,000 fake devices make at most max_devices cards", async () => {
    const flood = connect({ host: "127.0.0.1", port: broker.port, protocolVersion: 4 });
    await new Promise<void>((resolve) => flood.on("connect", () => resolve()));
    for (let i = 0; i < 5000; i++) flood.publish(`fake-${i}/status`, "online", { qos: 0 });
    await new Promise<void>((resolve) => flood.publish("fake-last/status", "online", { qos: 1 }, () => resolve()));
    await sleep(300); // the broker passes the flood on to the dashboard
    flood.end(true);
    assert.ok(dash.devices() <= 200, `${dash.devices()} devices held`);
    assert.ok(dash.devices() >= 100, `${dash.devices()} devices held`);
  });
});

test("devices expire when silent, and the least recently heard go first when full", () => {
  const m = new DashboardModel("sensor-data", 10, { maxDevices: 3, ttlMs: 60_000 });
  m.apply("a/status", "online", 0);
  m.apply("b/status", "online", 1000);
  m.apply("c/status", "online", 2000);
  m.apply("a/state", "{}", 3000);
  const e = m.apply("d/status", "online", 4000);
  assert.equal(e?.type, "status");
  assert.deepEqual([...m.devices.keys()].sort(), ["a", "c", "d"], "b was heard least recently");
  assert.deepEqual(m.drainRemoved(), ["b"]);
  assert.deepEqual(m.expire(63_500).sort(), ["a", "c"]);
  assert.deepEqual([...m.devices.keys()], ["d"]);
});

test("beyond loopback the dashboard asks for a password, and checks it", async (t) => {
  const broker = await startEmbeddedBroker(0);
  t.after(() => broker.close());
  const base = {
    mqttHost: "127.0.0.1",
    mqttPort: broker.port,
    topic: "sensor-data",
    httpPort: 0,
    history: 10,
    log: () => {},
  };
  await assert.rejects(
    startDashboard({ ...base, httpHost: "0.0.0.0" }),
    /http_host=0\.0\.0\.0 is beyond loopback: set http_password/,
  );
  await assert.rejects(
    startDashboard({ ...base, httpHost: "0.0.0.0", password: "s3cret" }),
    /without TLS .* http_tls_cert and http_tls_key, or http_insecure=1/,
  );
  const d = await startDashboard({
    ...base,
    httpHost: "0.0.0.0",
    password: "s3cret",
    insecure: true,
    allowedHosts: ["127.0.0.1"],
  });
  t.after(() => d.close());
  const url = d.url.replace("0.0.0.0", "127.0.0.1");
  const anon = await http(url);
  assert.equal(anon.status, 401);
  assert.match(String(anon.headers["www-authenticate"]), /^Basic realm="luxflow dashboard"/);
  assert.equal(
    (await http(url, { headers: { authorization: `Basic ${Buffer.from("x:wrong").toString("base64")}` } })).status,
    401,
  );
  assert.equal(
    (await http(url, { headers: { authorization: `Basic ${Buffer.from("luxflow:s3cret").toString("base64")}` } }))
      .status,
    200,
  );
});

test("with TLS the page is served over https, and the password is still asked", async (t) => {
  const broker = await startEmbeddedBroker(0);
  t.after(() => broker.close());
  // A throwaway self-signed certificate for 127.0.0.1, made for this test only.
  const fixture = (name: string) => new URL(`../../../test/tools/fixtures/${name}`, import.meta.url).pathname;
  const d = await startDashboard({
    mqttHost: "127.0.0.1",
    mqttPort: broker.port,
    topic: "sensor-data",
    httpHost: "0.0.0.0",
    httpPort: 0,
    history: 10,
    log: () => {},
    password: "s3cret",
    tlsCert: fixture("dashboard-test.crt"),
    tlsKey: fixture("dashboard-test.key"),
    allowedHosts: ["127.0.0.1"],
  });
  t.after(() => d.close());
  assert.match(d.url, /^https:\/\/0\.0\.0\.0:\d+\/$/);
  const port = new URL(d.url).port;
  const get = (auth?: string) =>
    new Promise<number>((resolve, reject) => {
      const req = httpsRequest(
        {
          host: "127.0.0.1",
          port,
          path: "/",
          ca: readFileSync(fixture("dashboard-test.crt")),
          headers: auth ? { authorization: auth } : {},
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on("error", reject);
      req.end();
    });
  assert.equal(await get(), 401);
  assert.equal(await get(`Basic ${Buffer.from("me:s3cret").toString("base64")}`), 200);
  // Plain HTTP on the TLS port gets no page.
  await assert.rejects(http(`http://127.0.0.1:${port}/`));
});
