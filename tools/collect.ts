#!/usr/bin/env node
// luxflow-collect (`npm run collect -- key=value …`): subscribes to the readings and appends
// them to CSV (tools/collector/), or writes them to PostgreSQL (db=postgres://…). QoS 1 on a
// persistent session: while the collector or the broker is down the broker keeps the
// readings [MQTT-3.1.2-4], and each reading is stored before its PUBLISH is acknowledged
// [MQTT-4.3.2-4], so nothing is lost; what QoS 1 may deliver twice is dropped by
// (device, boot, seq). A full disk or a database away is retried, never skipped; a reading
// that can never be stored is logged, counted, skipped and acknowledged.
import type { Writable } from "node:stream";
import { connect, type IPublishPacket, type MqttClient } from "mqtt";
import { Collector, csvSink, type Sink } from "./collector/collector.js";
import { collectorHelp, parseCollectorArgs, UsageError, type CollectorArgs } from "./collector/options.js";
import { PgSink } from "./collector/pg-sink.js";

const log = (line: string) => process.stderr.write(`collector: ${line}\n`);

/**
 * Sends the PUBACK of a QoS 1 PUBLISH whose handling was deferred [MQTT-3.4]. mqtt.js
 * handles incoming packets one at a time, acknowledging each when handleMessage calls back;
 * a batch needs many in flight, so handleMessage calls back with an error (mqtt.js then moves
 * on without a PUBACK) and the PUBACK goes out here once the row is committed.
 */
function puback(client: MqttClient, messageId: number): void {
  const c = client as unknown as { stream?: Writable; _sendPacket(p: { cmd: "puback"; messageId: number }): void };
  // A committed batch acknowledges all its readings in one turn: one write for all of them.
  const stream = c.stream;
  if (stream !== undefined && !corked.has(stream)) {
    corked.add(stream);
    stream.cork();
    process.nextTick(() => {
      corked.delete(stream);
      stream.uncork();
    });
  }
  c._sendPacket({ cmd: "puback", messageId });
}

const corked = new WeakSet<Writable>();

class Deferred extends Error {
  override name = "Deferred";
}

/** One instance for every deferred PUBLISH: an Error per message would capture a stack each time. */
const DEFERRED = new Deferred("acknowledged once committed");

async function run(a: CollectorArgs): Promise<void> {
  let sink: Sink;
  let pg: PgSink | undefined;
  if (a.db !== "") {
    pg = new PgSink({ url: a.db, table: a.dbTable, batchRows: a.dbBatch, flushMs: a.dbFlushMs, log });
    try {
      await pg.open();
    } catch (error) {
      // A wrong password or database name is the user's to fix; a database not up yet is waited for.
      const code = String((error as { code?: unknown }).code ?? "");
      if (/^(28|3D)/.test(code)) throw error;
      log(`database ${pg.where} unavailable (${(error as Error).message}); retrying, readings wait at the broker`);
    }
    sink = pg;
  } else {
    sink = csvSink({
      path: a.out,
      rotateBytes: a.rotateBytes,
      rotateDaily: a.rotateDaily,
      recoverBytes: a.recoverBytes,
      timestamps: a.timestamps,
      now: () => Date.now(),
    });
  }
  const collector = new Collector({ sink, now: () => Date.now(), log, shared: a.shared });
  const client = connect({
    host: a.host,
    port: a.port,
    protocolVersion: 4,
    clientId: a.clientId,
    clean: a.clean,
    reconnectPeriod: 1000,
    ...(a.username !== "" ? { username: a.username } : {}),
    ...(a.password !== "" ? { password: a.password } : {}),
  });
  let stopping = false;
  let lastProblem = "";
  /** Counts connections: a PUBACK is only sent on the connection its PUBLISH came on. */
  let generation = 0;
  const problem = (message: string) => {
    if (message !== lastProblem) log(message);
    lastProblem = message;
  };
  client.on("connect", (connack) => {
    generation++;
    lastProblem = "";
    log(
      `connected to ${a.host}:${a.port} as ${a.clientId}${connack.sessionPresent ? " (session resumed)" : ""}; writing ${sink.where}`,
    );
    client.subscribe(a.topic, { qos: a.qos }, (error, granted) => {
      if (error) problem(`subscribe to ${a.topic} failed: ${error.message}`);
      else if (granted?.[0]?.qos === 128) problem(`the broker refused the subscription to ${a.topic}`);
      else log(`subscribed to ${a.topic} at QoS ${granted?.[0]?.qos ?? a.qos}`);
    });
  });
  client.on("offline", () => problem(`connection to ${a.host}:${a.port} lost; reconnecting every second`));
  client.on("error", (error) => problem(`mqtt: ${error.message}`));
  client.handleMessage = (packet: IPublishPacket, done) => {
    const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload) : packet.payload;
    const gen = generation;
    const attempt = () => {
      // Left unacknowledged while stopping: the broker redelivers it next time.
      if (stopping) return;
      let sync = true;
      let acked = false;
      try {
        collector.handle(packet.topic, payload, () => {
          if (sync) acked = true;
          else if (packet.qos === 1 && packet.messageId !== undefined && gen === generation && client.connected)
            puback(client, packet.messageId);
          else if (packet.qos === 2) done();
        });
      } catch (error) {
        // Not acknowledged until it is written: the broker holds the rest meanwhile.
        problem(
          `cannot write ${sink.where}: ${error instanceof Error ? error.message : String(error)}; retrying every second`,
        );
        setTimeout(attempt, 1000);
        return;
      }
      sync = false;
      if (acked || packet.qos === 0) done();
      else if (packet.qos === 1) done(DEFERRED);
    };
    attempt();
  };
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // Rows already handed to the database are committed (and acknowledged) first.
    if (pg !== undefined && !(await pg.drain(5000)))
      log(`${pg.pending} row(s) not committed before exit: unacknowledged, the broker redelivers them`);
    for (const line of collector.summary()) log(line);
    await collector.close();
    // Flush the last acknowledgements; a dead broker does not hold the exit up.
    setTimeout(() => process.exit(0), 2000).unref();
    client.end(false, {}, () => process.exit(0));
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(`${collectorHelp()}\n`);
} else {
  try {
    await run(parseCollectorArgs(args));
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}
