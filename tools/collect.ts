#!/usr/bin/env node
// luxflow-collect (`npm run collect -- key=value …`): subscribes to the readings and appends
// them to CSV (tools/collector/). QoS 1 on a persistent session: while the collector or the
// broker is down the broker keeps the readings [MQTT-3.1.2-4], and each row is written to
// the file before its PUBLISH is acknowledged [MQTT-4.3.2-1], so nothing is lost; what QoS 1
// may deliver twice is dropped by seq. A full disk is retried, never skipped.
import { connect, type IPublishPacket } from "mqtt";
import { Collector } from "./collector/collector.js";
import { collectorHelp, parseCollectorArgs, UsageError, type CollectorArgs } from "./collector/options.js";

const log = (line: string) => process.stderr.write(`collector: ${line}\n`);

function run(a: CollectorArgs): void {
  const collector = new Collector({
    path: a.out, rotateBytes: a.rotateBytes, rotateDaily: a.rotateDaily, recoverBytes: a.recoverBytes,
    timestamps: a.timestamps, now: () => Date.now(), log,
  });
  const client = connect({
    host: a.host, port: a.port, protocolVersion: 4, clientId: a.clientId, clean: a.clean, reconnectPeriod: 1000,
    ...(a.username !== "" ? { username: a.username } : {}),
    ...(a.password !== "" ? { password: a.password } : {}),
  });
  let stopping = false;
  let lastProblem = "";
  const problem = (message: string) => {
    if (message !== lastProblem) log(message);
    lastProblem = message;
  };
  client.on("connect", (connack) => {
    lastProblem = "";
    log(`connected to ${a.host}:${a.port} as ${a.clientId}${connack.sessionPresent ? " (session resumed)" : ""}; writing ${a.out}`);
    client.subscribe(a.topic, { qos: a.qos }, (error) => {
      if (error) problem(`subscribe to ${a.topic} failed: ${error.message}`);
    });
  });
  client.on("offline", () => problem(`connection to ${a.host}:${a.port} lost; reconnecting every second`));
  client.on("error", (error) => problem(`mqtt: ${error.message}`));
  client.handleMessage = (packet: IPublishPacket, done) => {
    const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload) : packet.payload;
    const attempt = () => {
      // Left unacknowledged while stopping: the broker redelivers it next time.
      if (stopping) return;
      try {
        collector.handle(packet.topic, payload);
        done();
      } catch (error) {
        // Not acknowledged until it is written: the broker holds the rest meanwhile.
        problem(`cannot write ${a.out}: ${error instanceof Error ? error.message : String(error)}; retrying every second`);
        setTimeout(attempt, 1000);
      }
    };
    attempt();
  };
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const line of collector.summary()) log(line);
    collector.close();
    // Flush the last acknowledgements; a dead broker does not hold the exit up.
    setTimeout(() => process.exit(0), 2000).unref();
    client.end(false, {}, () => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(`${collectorHelp()}\n`);
} else {
  try {
    run(parseCollectorArgs(args));
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}
