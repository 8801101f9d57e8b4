// Makes docs/dashboard.png: an embedded broker, a fleet of 4 simulated boards (10 to
// 10,000 lux, 5 % noise, one reading a second), the dashboard, and headless chromium; two
// commands are sent from the page and the boards' acknowledgements show.
// Run: npm run build && node --import ./build/host-sim/loader/register.js build/tools/dashboard/screenshot.js docs/dashboard.png [seconds]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startEmbeddedBroker } from "../../host-sim/broker.js";
import { Fleet } from "../../host-sim/fleet/fleet.js";
import { manifestConfig } from "../../host-sim/options.js";
import { startDashboard } from "./server.js";

const [out = "docs/dashboard.png", secondsText = "45"] = process.argv.slice(2);
const broker = await startEmbeddedBroker(0);
const dashboard = await startDashboard({ mqttHost: "127.0.0.1", mqttPort: broker.port, topic: "sensor-data", httpHost: "127.0.0.1", httpPort: 0, history: 600, log: () => {} });
const fleet = new Fleet({
  devices: 4, idPrefix: "lux-", spreadMs: 1000, sim: { sim_noise: "0.05" }, trace: () => {},
  config: { ...manifestConfig(new URL("../../../manifest.json", import.meta.url)), mqtt_host: "127.0.0.1", mqtt_port: String(broker.port), payload_format: "json", sample_interval: "1", ssid: "luxflow-sim", password: "" },
});
await fleet.start();
const profile = mkdtempSync(join(tmpdir(), "luxflow-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium", headless: true, viewport: { width: 1200, height: 820 },
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = context.pages()[0] ?? (await context.newPage());
await page.goto(`${dashboard.url}?window=${secondsText}&log=1`);
await new Promise((r) => setTimeout(r, Number(secondsText) * 1000));
// Two commands, answered by the boards' firmware.
await page.locator('[data-device="lux-1"] button[data-command="identify"]').click();
await page.locator('[data-device="lux-2"] select[name="gain"]').selectOption("high");
await page.locator('[data-device="lux-2"] button[data-command="set_gain"]').click();
await page.locator('[data-device="lux-2"] .acks li:is(.ok, .fail)').waitFor({ timeout: 5000 });
await page.screenshot({ path: out, fullPage: true });
await context.close();
rmSync(profile, { recursive: true, force: true });
fleet.stop();
await dashboard.close();
await broker.close();
console.log(`wrote ${out}`);
