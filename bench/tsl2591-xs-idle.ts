// `npm run bench:tsl2591-xs`: what the firmware does between readings, on Moddable's XS engine
// (xsnap), on the simulated board with a virtual clock, publishing to the embedded broker over
// loopback TCP. After boot and connect it runs `minutes` of virtual time at sample_interval=5
// and counts XS turns and bytecodes per minute by what the turn did: timer turns that wrote to
// the socket (the sample-and-publish tick), timer turns that touched only the sensor (I2C:
// range tracking, re-measures, power-save wake-ups), other timer turns, and everything else
// (received packets).
// Usage: npm run bench:tsl2591-xs [-- minutes=5 interval=5]
import { Board } from "../host-sim/board.js";
import { startEmbeddedBroker } from "../host-sim/broker.js";
import { VirtualClock } from "../host-sim/clock.js";
import { manifestConfig, parseArgs } from "../host-sim/options.js";
import { bundleForXs } from "../host-sim/xs/bundle.js";
import { runOnXs } from "../host-sim/xs/index.js";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split("=") as [string, string]));
const MINUTES = Number(args.minutes ?? 5);
const INTERVAL = String(args.interval ?? 5);
const manifestUrl = new URL("../../manifest.json", import.meta.url);

interface Tally {
  turns: number;
  bytecodes: number;
}
const kinds = [
  "timer, socket write (sample-and-publish)",
  "timer, sensor only (I2C, no write)",
  "other timers",
  "received packets / other events",
] as const;
type Kind = (typeof kinds)[number];

const broker = await startEmbeddedBroker(0);
const invocation = parseArgs([`sample_interval=${INTERVAL}`], manifestConfig(manifestUrl));
invocation.config.mqtt_host = broker.host;
invocation.config.mqtt_port = String(broker.port);
const clock = new VirtualClock(Date.now());
const lines: string[] = [];
const board = new Board({
  config: invocation.config,
  sim: invocation.sim,
  clock,
  trace: (text) => {
    lines.push(text);
  },
});
let counting = false;
const tally = new Map<Kind, Tally>(kinds.map((k) => [k, { turns: 0, bytecodes: 0 }]));
const run = await runOnXs(board, {
  bundle: await bundleForXs(),
  onTurn: (event, meter, requests) => {
    if (!counting) return;
    const i2c = (requests["smbus.call"] ?? 0) > 0;
    const write = (requests["tcp.write"] ?? 0) > 0;
    const kind: Kind =
      event.kind !== "timer"
        ? "received packets / other events"
        : write
          ? "timer, socket write (sample-and-publish)"
          : i2c
            ? "timer, sensor only (I2C, no write)"
            : "other timers";
    const t = tally.get(kind)!;
    t.turns++;
    t.bytecodes += meter.compute;
  },
});
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const connected = () => lines.join("").includes("mqtt: connected to");
for (let i = 0; !connected(); i++) {
  if (run.failure) throw run.failure;
  if (i > 2_000) throw new Error(`no connection\n${lines.join("").slice(-2000)}`);
  await run.advance(50);
  for (let j = 0; j < 5; j++) await tick();
  await new Promise((resolve) => setTimeout(resolve, 1));
}
// Settle: a few readings published before counting starts.
for (let i = 0; i < 20; i++) {
  await run.advance(1_000);
  for (let j = 0; j < 3; j++) await tick();
}
counting = true;
for (let s = 0; s < MINUTES * 60; s++) {
  if (run.failure) throw run.failure;
  await run.advance(1_000);
  for (let j = 0; j < 3; j++) await tick();
}
counting = false;
await run.stop();
board.shutdown();
await broker.close();
if (run.failure) throw run.failure;

let turns = 0;
let bytecodes = 0;
console.log(
  `XS turns and bytecodes per minute at sample_interval=${INTERVAL} s (${MINUTES} virtual minutes, firmware bytecodes only)`,
);
console.log("| turn kind | turns / min | bytecodes / min | bytecodes / turn |");
console.log("|---|---|---|---|");
for (const kind of kinds) {
  const t = tally.get(kind)!;
  turns += t.turns;
  bytecodes += t.bytecodes;
  console.log(
    `| ${kind} | ${(t.turns / MINUTES).toFixed(1)} | ${Math.round(t.bytecodes / MINUTES).toLocaleString("en")} | ${t.turns === 0 ? "-" : Math.round(t.bytecodes / t.turns).toLocaleString("en")} |`,
  );
}
console.log(`| all | ${(turns / MINUTES).toFixed(1)} | ${Math.round(bytecodes / MINUTES).toLocaleString("en")} | |`);
