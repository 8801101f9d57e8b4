// The dashboard in a real browser (Debian's chromium, driven by playwright-core): the page
// served by `npm run dashboard` loads, shows the simulated board online, its chart grows as
// the board publishes, the buttons publish contract-shaped commands (docs/device-api.md) that
// a real MQTT subscriber receives, the board's own acknowledgements on <id>/result show
// against their command (matched by the echoed time) and its new state shows, and the board
// going away shows as offline.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { connect, type MqttClient } from "mqtt";
import pg from "pg";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { startEmbeddedBroker, type EmbeddedBroker } from "../../host-sim/broker.js";
import type { ParsedReading } from "../../tools/collector/parse.js";
import { insertSql, rowValues, schema } from "../../tools/collector/pg-sink.js";
import { postgresMissing, startPostgres } from "../helpers/postgres.js";
import { runSim, type SimProcess } from "../helpers/sim.js";
import { runNode, type Child } from "../tools/child.js";
import { sleep, until } from "../helpers/wait.js";

const CHROMIUM = "/usr/bin/chromium";
const missing = existsSync(CHROMIUM) ? false : "Debian's chromium is not installed (apt-get install chromium)";
if (missing && process.env.CI === "true") throw new Error(`CI=true: ${missing}`);
const DASHBOARD = new URL("../../tools/dashboard.js", import.meta.url);

describe("dashboard in headless chromium", { skip: missing }, () => {
  let broker: EmbeddedBroker;
  let dashboard: Child;
  let sim: SimProcess;
  let context: BrowserContext;
  let page: Page;
  let client: MqttClient;
  let profile: string;
  /** What a real MQTT subscriber sees on lux-1/command and lux-1/result. */
  const messages: { topic: string; body: Record<string, unknown> }[] = [];

  before(async () => {
    broker = await startEmbeddedBroker(0);
    dashboard = runNode(DASHBOARD, [`mqtt_port=${broker.port}`, "http_port=0"]);
    const line = await dashboard.waitFor(/^dashboard: open (http:\/\/127\.0\.0\.1:\d+\/) /);
    const url = /open (\S+)/.exec(line)![1]!;
    await dashboard.waitFor(/^dashboard: connected to mqtt:\/\/127\.0\.0\.1:\d+, subscribed to sensor-data /);
    sim = runSim([
      "mqtt_host=127.0.0.1",
      `mqtt_port=${broker.port}`,
      "payload_format=json",
      "sensor_id=lux-1",
      "sample_interval=0.2",
      "sim_lux=300",
    ]);
    client = connect({ host: "127.0.0.1", port: broker.port, protocolVersion: 4 });
    client.on("message", (topic, payload) =>
      messages.push({ topic, body: JSON.parse(payload.toString()) as Record<string, unknown> }),
    );
    await new Promise<void>((resolve) =>
      client.on("connect", () => client.subscribe(["lux-1/command", "lux-1/result"], { qos: 1 }, () => resolve())),
    );
    profile = mkdtempSync(join(tmpdir(), "luxflow-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1100, height: 760 },
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
  });

  after(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
    await sim?.stop();
    await dashboard?.stop();
    client?.end(true);
    await broker?.close();
  });

  test("the page loads and shows the board online", async () => {
    assert.equal(await page.title(), "luxflow dashboard");
    const card = page.locator('[data-device="lux-1"]');
    await card.locator(".status.online").waitFor({ timeout: 15_000 });
    assert.equal(await card.locator(".status").textContent(), "online");
    assert.equal(await page.locator("#broker").textContent(), "broker: connected");
  });

  test("the chart grows as the board publishes", async () => {
    const points = async () => Number(await page.locator("#chart").getAttribute("data-points"));
    const card = page.locator('[data-device="lux-1"]');
    const end = Date.now() + 10_000;
    while ((await points()) < 3 && Date.now() < end) await sleep(100);
    const first = await points();
    const shown = Number(await card.locator(".points").textContent());
    await sleep(1500); // the span the chart's growth is measured over
    const second = await points();
    assert.ok(first >= 3, `points drawn at first: ${first}`);
    assert.ok(second >= first + 4, `the chart grew from ${first} to ${second} points in 1.5 s (5 readings/s)`);
    assert.ok(Number(await card.locator(".points").textContent()) > shown);
    const value = Number(await card.locator(".value").textContent());
    assert.ok(Math.abs(value - 300) < 10, `latest value ${value} lux`);
    // The line is really drawn: pixels in the first device's colour (#1f77b4).
    const coloured = await page.evaluate<number>(`(() => {
      const c = document.getElementById("chart");
      const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - 0x1f) < 8 && Math.abs(data[i + 1] - 0x77) < 8 && Math.abs(data[i + 2] - 0xb4) < 8) n++;
      return n;
    })()`);
    assert.ok(coloured > 20, `${coloured} pixels of the line's colour`);
  });

  test("buttons publish contract-shaped commands; the board's acknowledgements and new state show", async () => {
    const card = page.locator('[data-device="lux-1"]');
    await card.locator('input[name="seconds"]').fill("2");
    const t0 = Date.now();
    await card.locator('button[data-command="set_interval"]').click();
    await card.locator('select[name="gain"]').selectOption("high");
    await card.locator('button[data-command="set_gain"]').click();
    await card.locator('button[data-command="identify"]').click();
    const sent = () => messages.filter((m) => m.topic === "lux-1/command");
    await until(() => sent().length >= 3, "the three commands at the broker", { timeoutMs: 5000, everyMs: 50 }).catch(
      () => undefined,
    );
    assert.equal(sent().length, 3, JSON.stringify(messages));
    const [interval, gain, identify] = sent().map((c) => c.body);
    assert.deepEqual(Object.keys(interval!).sort(), ["name", "payload", "time"]);
    assert.deepEqual({ ...interval, time: 0 }, { name: "set_interval", payload: { seconds: 2 }, time: 0 });
    assert.deepEqual({ ...gain, time: 0 }, { name: "set_gain", payload: { gain: "high" }, time: 0 });
    assert.deepEqual({ ...identify, time: 0 }, { name: "identify", payload: {}, time: 0 });
    const times = sent().map((c) => c.body.time as number);
    for (const t of times)
      assert.ok(Number.isSafeInteger(t) && t >= t0 - 1000 && t <= Date.now(), `time ${t} is the send time in ms`);
    assert.equal(new Set(times).size, 3, "each command has its own time");

    // The simulated board (the firmware's command handler) answers each on lux-1/result;
    // the page shows each answer against its own command.
    for (const time of times) {
      const li = card.locator(`.acks li[data-time="${time}"]`);
      await card.locator(`.acks li[data-time="${time}"]:is(.ok, .fail)`).waitFor({ timeout: 10_000 });
      const result = messages.find((m) => m.topic === "lux-1/result" && m.body.time === time)?.body;
      assert.ok(result, `the board acknowledged ${time}`);
      assert.equal(await li.getAttribute("class"), result.ok === true ? "ok" : "fail");
      assert.equal(
        await li.locator(".verdict").textContent(),
        `${result.ok === true ? "✓ acknowledged" : "✗ refused"}${result.message ? `: ${String(result.message)}` : ""}`,
      );
    }
    assert.equal(
      messages.find((m) => m.body.time === times[0] && m.topic === "lux-1/result")?.body.ok,
      true,
      "set_interval 2 s is accepted",
    );
    await card.locator('.state dt:text-is("sample_interval") + dd:text-is("2")').waitFor({ timeout: 5000 });

    // A bad value, sent as another client would: the board refuses it, the page shows why.
    const bad = 1795355432000;
    client.publish("lux-1/command", JSON.stringify({ name: "set_gain", payload: { gain: "huge" }, time: bad }), {
      qos: 1,
    });
    const refused = card.locator(`.acks li.fail[data-time="${bad}"]`);
    await refused.waitFor({ timeout: 10_000 });
    assert.match((await refused.locator(".verdict").textContent())!, /^✗ refused: .*gain.*huge/);
  });

  test("a bad command is refused by the server with a reason, and nothing is published", async () => {
    // As the page sends it (its token, JSON), but for a device id that is a wildcard.
    const res = await page.evaluate<{ status: number; body: { error: string } }>(`(async () => {
      const token = document.querySelector('meta[name="luxflow-token"]').content;
      const r = await fetch("command", { method: "POST", headers: { "content-type": "application/json", "x-luxflow-token": token }, body: JSON.stringify({ id: "lux-1/#", name: "identify", time: 1 }) });
      return { status: r.status, body: await r.json() };
    })()`);
    assert.deepEqual(res, { status: 400, body: { error: "id must be a device id (no /, + or #)" } });
    // The same request without the token, as a page of another origin would have to send it.
    const forged = await page.evaluate<number>(
      `fetch("command", { method: "POST", body: JSON.stringify({ id: "lux-1", name: "identify", time: 2 }) }).then((r) => r.status)`,
    );
    assert.equal(forged, 403);
    await sleep(300); // a window in which a published command would arrive
    assert.ok(!messages.some((m) => m.body.time === 1 || m.body.time === 2), "nothing was published for them");
  });

  test("the board going away shows as offline (its retained will)", async () => {
    await sim.stop();
    await page.locator('[data-device="lux-1"] .status.offline').waitFor({ timeout: 10_000 });
    if (process.env.DASHBOARD_SCREENSHOT) await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT });
  });
});

const pgMissing = postgresMissing();

describe("dashboard with history from PostgreSQL", { skip: missing || pgMissing }, () => {
  test("the page opens with the last hour of readings from the collector's table", async (t) => {
    const db = await startPostgres();
    const sql = new pg.Client(db.url);
    await sql.connect();
    t.after(async () => {
      await sql.end();
      await db.close();
    });
    await sql.query(schema("luxflow_readings"));
    // 90 minutes of readings, one per 20 s per sensor, as the collector writes them: only the last hour is shown.
    const now = Date.now();
    const rows: ParsedReading[] = [];
    const at: number[] = [];
    for (const id of ["hist-1", "hist-2"]) {
      for (let k = 0; k < 270; k++) {
        rows.push({
          sensorId: id,
          deviceId: id,
          deviceTs: (now - k * 20_000) / 1000,
          value: id === "hist-1" ? 100 + k : 900 - k,
          seq: 270 - k,
          boot: 1,
          timeSource: "sntp",
        });
        at.push(now - k * 20_000 - 500);
      }
    }
    const values = rows.map((r, i) => rowValues(r, at[i]!));
    await sql.query(
      insertSql("luxflow_readings"),
      values[0]!.map((_, c) => values.map((v) => v[c])),
    );
    const b = await startEmbeddedBroker(0);
    t.after(() => b.close());
    const dash = runNode(DASHBOARD, [`mqtt_port=${b.port}`, "http_port=0", `db=${db.url}`]);
    t.after(() => dash.stop());
    const line = await dash.waitFor(/^dashboard: open (http:\/\/127\.0\.0\.1:\d+\/) .*the last hour from the database/);
    const dir = mkdtempSync(join(tmpdir(), "luxflow-chromium-"));
    const browser = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1100, height: 760 },
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    t.after(async () => {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const p = browser.pages()[0] ?? (await browser.newPage());
    await p.goto(/open (\S+)/.exec(line)![1]!);
    const card = p.locator('[data-device="hist-1"]');
    await card.waitFor({ timeout: 10_000 });
    // 180 readings of each sensor are within the hour (the 90 older ones are not sent).
    assert.equal(await card.locator(".points").textContent(), "180");
    assert.equal(await p.locator('[data-device="hist-2"] .points').textContent(), "180");
    const end = Date.now() + 5000;
    let drawn = 0;
    while (drawn < 360 && Date.now() < end) {
      drawn = Number(await p.locator("#chart").getAttribute("data-points"));
      await sleep(100);
    }
    assert.ok(drawn >= 358, `${drawn} points drawn over the hour`);
  });
});
