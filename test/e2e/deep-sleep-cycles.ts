// The deep-sleep scenario both engines run (test/e2e/deep-sleep.test.ts on Node,
// test/xs/deep-sleep.test.ts on XS): the unmodified firmware (src/main.ts) on a simulated
// board with sleep_mode=deep and a 5-minute period, against a real broker (aedes, its
// persistence kept across restarts) that is killed for some of the wakes. A persistent-session
// QoS 1 subscriber collects what arrives. The access point can go away for some wakes too. Each deep sleep discards the
// firmware instance (RAM),
// keeps flash and RTC memory, jumps the board's clock and boots main again.
import { connect, type MqttClient } from "mqtt";
import { Board } from "../../host-sim/board.js";
import { startAedes, type TestBroker } from "../../host-sim/faults/brokers.js";
import { manifestConfig, parseArgs } from "../../host-sim/options.js";
import type { PreferenceValue } from "../../src/platform.js";
import { startFirmware, type Engine } from "../../host-sim/xs/engines.js";
import { until } from "../helpers/wait.js";

const manifestUrl = new URL("../../../manifest.json", import.meta.url);

export interface CycleRun {
  /** Every payload received for each seq (a redelivery repeats one). */
  readonly received: Map<number, string[]>;
  readonly board: Board;
  readonly log: string;
  /** Wakes (1-based, as sleeps are counted) that began with the broker or the access point down. */
  readonly downWakes: ReadonlySet<number>;
  /** Every flash write of the run, in order, for the wear models. */
  readonly flashOps: { domain: string; key: string; value: PreferenceValue | undefined }[];
}

export interface CycleOptions {
  readonly engine: Engine;
  readonly cycles: number;
  /** Sleep counts at which the broker is killed, and at which it comes back. */
  readonly outages: readonly (readonly [number, number])[];
  /** Sleep counts at which the access point goes away, and at which it comes back. */
  readonly wifiOutages?: readonly (readonly [number, number])[];
}

function subscriber(port: number, received: Map<number, string[]>): Promise<MqttClient> {
  const client = connect({
    host: "127.0.0.1",
    port,
    clientId: `deep-sleep-${process.pid}`,
    clean: false,
    reconnectPeriod: 100,
    protocolVersion: 4,
  });
  client.on("error", () => undefined);
  client.on("message", (_topic, payload) => {
    const text = payload.toString();
    const seq = (JSON.parse(text) as { seq: number }).seq;
    received.set(seq, [...(received.get(seq) ?? []), text]);
  });
  return new Promise((resolve, reject) => {
    client.once("connect", () =>
      client.subscribe("sensor-data", { qos: 1 }, (error) => (error ? reject(error) : resolve(client))),
    );
  });
}

export async function runSleepCycles(options: CycleOptions): Promise<CycleRun> {
  const broker: TestBroker = await startAedes();
  const received = new Map<number, string[]>();
  const client = await subscriber(broker.port, received);
  const invocation = parseArgs(
    [
      "sleep_mode=deep",
      "sample_interval=300",
      "awake_max=1",
      "payload_format=json",
      "qos=1",
      "mqtt_clean=0",
      "sim_lux=400",
    ],
    manifestConfig(manifestUrl),
  );
  invocation.config.mqtt_host = "127.0.0.1";
  invocation.config.mqtt_port = String(broker.port);
  const lines: string[] = [];
  const board = new Board({ config: invocation.config, sim: invocation.sim, trace: (text) => lines.push(text) });
  const flashOps: CycleRun["flashOps"] = [];
  board.flash.onWrite = (domain, key, value) => flashOps.push({ domain, key, value });
  const downWakes = new Set<number>();
  let down = false;
  let wifiDown = false;
  let changes: Promise<void> = Promise.resolve();
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  // Between two wakes (the board is off): kill or bring back the broker, or end the run once
  // the cycles are done and a wake left nothing queued.
  board.onSleep = (sleeps) => {
    for (const [from, to] of options.outages) {
      if (sleeps === from) {
        down = true;
        changes = changes.then(() => broker.kill());
      }
      if (sleeps === to) {
        down = false;
        changes = changes.then(() => broker.restart());
      }
    }
    for (const [from, to] of options.wifiOutages ?? []) {
      if (sleeps === from) {
        wifiDown = true;
        board.wifi.drop();
      }
      if (sleeps === to) {
        wifiDown = false;
        board.wifi.restore();
      }
    }
    if (down || wifiDown) downWakes.add(sleeps + 1);
    const last = lines.filter((l) => l.includes("luxflow info: sleep: ")).at(-1) ?? "";
    if (sleeps >= options.cycles && !down && !wifiDown && /nothing queued; sleeping [\d.]+ s\n$/.test(last)) {
      board.powerOff();
      finish();
    }
  };
  const firmware = await startFirmware(options.engine, board);
  try {
    const timeout = setTimeout(finish, 240_000);
    await finished;
    clearTimeout(timeout);
    await changes;
    if (firmware.failure !== undefined) throw firmware.failure;
    if (board.sleeps < options.cycles)
      throw new Error(`only ${board.sleeps} sleeps in 240 s:\n${lines.join("").slice(-4000)}`);
    await firmware.stop();
    const produced = board.sleeps;
    // On time-out the caller's checks name the readings that are missing.
    await until(() => received.size >= produced, `all ${produced} readings`, 10_000).catch(() => undefined);
    return { received, board, log: lines.join(""), downWakes, flashOps };
  } finally {
    await firmware.stop();
    board.powerOff();
    await client.endAsync();
    await broker.close();
  }
}
