// Makes docs/dashboard.png: an embedded broker, a fleet of 4 simulated boards (10 to
// 10,000 lux, 5 % noise, one reading a second), the collector writing them into a throwaway
// PostgreSQL, the dashboard reading that database, and headless chromium. The hour before
// the boards started is written into the table first (the boards' levels under a passing
// cloud, one reading every 10 s; labelled as such in the README), so the page opens with an
// hour of history; two commands are sent from the page and the boards' acknowledgements show.
// Run: npm run build && node --import ./build/host-sim/loader/register.js build/tools/dashboard/screenshot.js
// docs/dashboard.png [seconds]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { chromium } from "playwright-core";
import { startEmbeddedBroker } from "../../host-sim/broker.js";
import { Fleet, fleetLux } from "../../host-sim/fleet/fleet.js";
import { manifestConfig } from "../../host-sim/options.js";
import { startPostgres } from "../../test/helpers/postgres.js";
import type { ParsedReading } from "../collector/parse.js";
import { insertSql, rowValues, schema } from "../collector/pg-sink.js";
import { startDashboard } from "./server.js";

const [out = "docs/dashboard.png", secondsText = "30"] = process.argv.slice(2);
const BOARDS = 4;
const db = await startPostgres();
const sql = new pg.Client(db.url);
await sql.connect();
await sql.query(schema("luxflow_readings"));
const now = Date.now();
const past: ParsedReading[] = [];
const at: number[] = [];
for (let i = 1; i <= BOARDS; i++) {
  for (let s = 3600; s >= 60; s -= 10) {
    // A cloud passes 35 minutes ago: the light dips to a third and comes back.
    const cloud = 1 - (2 / 3) * Math.exp(-(((s - 2100) / 300) ** 2));
    const lux = Math.round(fleetLux(i, BOARDS) * cloud * (1 + 0.05 * Math.sin(s * 0.7 + i)) * 100) / 100;
    past.push({
      sensorId: `lux-${i}`,
      deviceId: `lux-${i}`,
      deviceTs: (now - s * 1000) / 1000,
      value: lux,
      seq: undefined,
      boot: undefined,
      timeSource: "sntp",
    });
    at.push(now - s * 1000);
  }
}
const values = past.map((r, k) => rowValues(r, at[k]!));
await sql.query(
  insertSql("luxflow_readings"),
  values[0]!.map((_, c) => values.map((v) => v[c])),
);
await sql.end();

const broker = await startEmbeddedBroker(0);
const collector = spawn(
  process.execPath,
  [new URL("../collect.js", import.meta.url).pathname, `mqtt_port=${broker.port}`, `db=${db.url}`],
  { stdio: ["ignore", "ignore", "inherit"] },
);
const dashboard = await startDashboard({
  mqttHost: "127.0.0.1",
  mqttPort: broker.port,
  topic: "sensor-data",
  httpHost: "127.0.0.1",
  httpPort: 0,
  history: 3600,
  log: () => {},
  db: db.url,
  payloadFormat: "json",
});
const fleet = new Fleet({
  devices: BOARDS,
  idPrefix: "lux-",
  spreadMs: 1000,
  sim: { sim_noise: "0.05" },
  trace: () => {},
  config: {
    ...manifestConfig(new URL("../../../manifest.json", import.meta.url)),
    mqtt_host: "127.0.0.1",
    mqtt_port: String(broker.port),
    payload_format: "json",
    sample_interval: "1",
    ssid: "luxflow-sim",
    password: "",
  },
});
await fleet.start();
await new Promise((r) => setTimeout(r, Number(secondsText) * 1000));
const profile = mkdtempSync(join(tmpdir(), "luxflow-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1200, height: 820 },
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
const page = context.pages()[0] ?? (await context.newPage());
// Opened after the readings arrived: everything on the chart came from the database.
await page.goto(`${dashboard.url}?log=1`);
await page.locator('[data-device="lux-4"]').waitFor();
await new Promise((r) => setTimeout(r, 3000));
// Two commands, answered by the boards' firmware.
await page.locator('[data-device="lux-1"] button[data-command="identify"]').click();
await page.locator('[data-device="lux-2"] select[name="gain"]').selectOption("high");
await page.locator('[data-device="lux-2"] button[data-command="set_gain"]').click();
await page.locator('[data-device="lux-2"] .acks li:is(.ok, .fail)').waitFor({ timeout: 5000 });
await page.screenshot({ path: out, fullPage: true });
const drawn = await page.locator("#chart").getAttribute("data-points");
await context.close();
rmSync(profile, { recursive: true, force: true });
fleet.stop();
collector.kill("SIGTERM");
await new Promise((r) => collector.once("exit", r));
await dashboard.close();
await broker.close();
await db.close();
console.log(`wrote ${out} (${drawn} points drawn)`);
