// `npm run bench:xs`: the firmware on Moddable's XS engine (xsnap), on the simulated board
// with a virtual clock, publishing to the embedded broker over real loopback sockets.
// Measures, and writes to docs/bench-xs.md:
//  - XS bytecodes per sample-and-publish cycle and per received packet (the engine's
//    deterministic compute meter; the shims' own bytecodes are taken out, as the device runs
//    native code there; one short run with them left in for comparison);
//  - live heap (slots, chunk bytes; read from a heap snapshot after a full collection) after
//    the modules load (flash on the device), after boot, after 10,000 cycles and after 100
//    broker-side disconnects and reconnects; converted to the 32-bit boards' sizes and held
//    against manifest.json's `creation` budgets;
//  - the firmware's size as bundled for XS.
// Usage: npm run bench:xs [-- cycles=10000 reconnects=100 out=docs/bench-xs.md]
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { connectAsync } from "mqtt";
import { Board } from "../host-sim/board.js";
import { startEmbeddedBroker } from "../host-sim/broker.js";
import { VirtualClock } from "../host-sim/clock.js";
import { manifestConfig, parseArgs } from "../host-sim/options.js";
import { bundleForXs, minifiedFirmwareBytes } from "../host-sim/xs/bundle.js";
import { runOnXs, type XsRun } from "../host-sim/xs/index.js";
import { heapStats, type HeapStats } from "../host-sim/xs/measure.js";
import { measurePublish } from "./xs-publish.js";
import { budgetRows, cycleStats, renderReport, type Phase } from "./xs-report.js";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split("=") as [string, string]));
const CYCLES = Number(args.cycles ?? 10_000);
const RECONNECTS = Number(args.reconnects ?? 100);
const OUT = args.out ?? "docs/bench-xs.md";
const INTERVAL_S = 1;

const manifestUrl = new URL("../../manifest.json", import.meta.url);
const manifest = JSON.parse(readFileSync(manifestUrl, "utf8")) as {
  platforms: Record<string, { creation?: Record<string, unknown> }>;
};

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Session {
  run: XsRun;
  board: Board;
  clock: VirtualClock;
  lines: string[];
  publishCompute: number[];
  receiveCompute: number[];
  /** Timer turns that did not publish (driver range tracking, keepalive, scheduler). */
  otherTimerCompute: number[];
  loaded: HeapStats;
  /** While set, every turn's compute is pushed here (the command measurement window). */
  window: number[] | undefined;
  readonly brokerPort: number;
  /** Stops the broker: the board goes offline and its readings queue up. */
  stopBroker(): Promise<void>;
  /** Closes every client connection from the broker's side (the board sees a remote close). */
  dropClients(): void;
  close(): Promise<void>;
}

async function session(meterFirmwareOnly: boolean): Promise<Session> {
  const broker = await startEmbeddedBroker(0);
  const invocation = parseArgs([`sample_interval=${INTERVAL_S}`], manifestConfig(manifestUrl));
  invocation.config.mqtt_host = broker.host;
  invocation.config.mqtt_port = String(broker.port);
  const clock = new VirtualClock(Date.now());
  const lines: string[] = [];
  let partial = "";
  const board = new Board({
    config: invocation.config,
    sim: invocation.sim,
    clock,
    trace: (text) => {
      partial += text;
      const parts = partial.split("\n");
      partial = parts.pop() ?? "";
      lines.push(...parts);
    },
  });
  const publishCompute: number[] = [];
  const receiveCompute: number[] = [];
  const otherTimerCompute: number[] = [];
  let loaded: HeapStats | undefined;
  const run = await runOnXs(board, {
    bundle: await bundleForXs(),
    meterFirmwareOnly,
    beforeMain: async (worker) => {
      loaded = await heapStats(worker);
    },
    onTurn: (event, meter, requests) => {
      session.window?.push(meter.compute);
      if (event.kind === "timer" && (requests["tcp.write"] ?? 0) > 0 && (requests["smbus.call"] ?? 0) > 0)
        publishCompute.push(meter.compute);
      else if (event.kind === "timer") otherTimerCompute.push(meter.compute);
      if (event.kind === "tcp" && event.what === "readable") receiveCompute.push(meter.compute);
    },
  });
  const session: Session = {
    run,
    board,
    clock,
    lines,
    publishCompute,
    receiveCompute,
    otherTimerCompute,
    loaded: loaded as HeapStats,
    window: undefined,
    brokerPort: broker.port,
    async stopBroker() {
      await broker.close();
    },
    dropClients() {
      const clients = (broker.aedes as unknown as { clients: Record<string, { close(): void }> }).clients;
      for (const client of Object.values(clients)) client.close();
    },
    async close() {
      await run.stop();
      board.shutdown();
      await broker.close().catch(() => undefined);
    },
  };
  return session;
}

/**
 * Compute per received command, acknowledgement included: commands arrive from a real MQTT
 * client while virtual time stands still (no timers fire), so every XS turn in the window
 * belongs to receiving a command, handling it, publishing its result and the state, and the
 * broker's acknowledgements of those. Half set_interval (to the interval in use), half report_state.
 */
async function commandCompute(s: Session, count: number): Promise<number> {
  const sender = await connectAsync({
    host: "127.0.0.1",
    port: s.brokerPort,
    protocolVersion: 4,
    clientId: "bench-commands",
  });
  let results = 0;
  sender.on("message", () => results++);
  await sender.subscribeAsync("lux-1/result", { qos: 1 });
  s.window = [];
  for (let i = 0; i < count; i++) {
    const command =
      i % 2 === 0
        ? { name: "set_interval", payload: { seconds: INTERVAL_S }, time: i }
        : { name: "report_state", time: i };
    await sender.publishAsync("lux-1/command", JSON.stringify(command), { qos: 1 });
    const end = Date.now() + 5000;
    while (results <= i && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 2));
    if (results <= i) throw new Error(`command ${i}: no acknowledgement\n${s.lines.slice(-10).join("\n")}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  const total = s.window.reduce((sum, c) => sum + c, 0);
  s.window = undefined;
  await sender.endAsync();
  return total / count;
}

const connectedCount = (lines: readonly string[]) => lines.filter((l) => /mqtt: connected to/.test(l)).length;

/** Advances virtual time in small steps, letting real socket traffic through, until `done`. */
async function until(s: Session, done: () => boolean, what: string, limitMs = 120_000): Promise<void> {
  const start = s.clock.now();
  while (!done()) {
    if (s.run.failure) throw s.run.failure;
    if (s.clock.now() - start > limitMs)
      throw new Error(`${what}: not within ${limitMs} virtual ms\n${s.lines.slice(-20).join("\n")}`);
    await s.run.advance(50);
    for (let i = 0; i < 5; i++) await tick();
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

async function cycles(s: Session, count: number): Promise<void> {
  const target = s.publishCompute.length + count;
  while (s.publishCompute.length < target) {
    if (s.run.failure) throw s.run.failure;
    await s.run.advance(INTERVAL_S * 1000);
    for (let i = 0; i < 3; i++) await tick();
  }
}

const bundle = await bundleForXs();
const minified = await minifiedFirmwareBytes();
const client = await measurePublish(parseArgs([], manifestConfig(manifestUrl)).config);

// Raw meter (shims counted) for comparison: a short run.
const raw = await session(false);
await until(raw, () => connectedCount(raw.lines) >= 1, "connect (raw meter)");
await cycles(raw, 100);
await raw.close();

const s = await session(true);
const phases: Phase[] = [{ name: "modules loaded (flash on the device)", stats: s.loaded }];
await s.run.idle();
phases.push({ name: "after main() (not yet connected)", stats: await heapStats(s.run.worker) });
await until(s, () => connectedCount(s.lines) >= 1, "connect");
await cycles(s, 3);
phases.push({ name: "after boot (connected, 3 cycles)", stats: await heapStats(s.run.worker) });
const started = performance.now();
const otherBefore = s.otherTimerCompute.length;
await cycles(s, CYCLES);
const other = s.otherTimerCompute.slice(otherBefore);
const cycleMs = performance.now() - started;
phases.push({ name: `after ${CYCLES.toLocaleString("en")} cycles`, stats: await heapStats(s.run.worker) });
for (let i = 0; i < RECONNECTS; i++) {
  const before = connectedCount(s.lines);
  s.dropClients();
  await until(s, () => connectedCount(s.lines) > before, `reconnect ${i + 1}`);
  await cycles(s, 1);
}
phases.push({ name: `after ${RECONNECTS} reconnects`, stats: await heapStats(s.run.worker) });
const perCommand = await commandCompute(s, 20);
// The default offline queue full: the broker goes away and readings queue until the oldest drop.
const droppedLines = () => s.lines.filter((l) => /outbox full/.test(l)).length;
s.dropClients();
await s.stopBroker();
await until(s, () => droppedLines() >= 10, "offline queue full", 600_000);
phases.push({ name: "offline, default queue full (oldest dropping)", stats: await heapStats(s.run.worker) });
const failure = s.run.failure;
const preloadProblems = s.run.preloadProblems;
const loadCompute = s.run.loadMeter.compute;
const mainCompute = s.run.mainMeter.compute;
await s.close();
if (failure) throw failure;

const report = renderReport({
  date: new Date().toISOString().slice(0, 10),
  cycles: CYCLES,
  reconnects: RECONNECTS,
  publish: cycleStats(s.publishCompute.slice(3)),
  publishRaw: cycleStats(raw.publishCompute),
  receive: cycleStats(s.receiveCompute),
  otherTimers: cycleStats(other),
  otherTimersPerCycle: other.length / CYCLES,
  loadCompute,
  mainCompute,
  phases,
  budgets: budgetRows(phases, manifest.platforms),
  bundleBytes: bundle.bytes,
  firmwareBytes: bundle.firmwareBytes,
  minifiedBytes: minified,
  modules: bundle.modules.length,
  preloadProblems,
  cycleMs,
  client,
  perCommand,
});
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, report);
process.stdout.write(report);
