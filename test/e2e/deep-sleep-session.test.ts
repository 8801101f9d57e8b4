// The MQTT session survives deep sleep (mqtt_clean=0): a command published while the board
// sleeps is kept by the broker (aedes) and handled on the next wake; its result comes back, and
// the new interval is the next sleep's period.
import assert from "node:assert/strict";
import { test } from "node:test";
import { connect } from "mqtt";
import { startAedes } from "../../host-sim/faults/brokers.js";
import { enginesUnderTest, startFirmware, type Engine } from "../../host-sim/xs/engines.js";
import { sleepingBoard } from "../../host-sim/sleeping-board.js";
import { until } from "../helpers/wait.js";

async function scenario(engine: Engine): Promise<void> {
  const broker = await startAedes();
  const sender = connect({
    host: "127.0.0.1",
    port: broker.port,
    protocolVersion: 4,
    clientId: `sender-${engine}-${process.pid}`,
  });
  const results: string[] = [];
  sender.on("message", (_t, p) => results.push(p.toString()));
  await new Promise<void>((resolve) => sender.once("connect", () => resolve()));
  await sender.subscribeAsync("lux-1/result", { qos: 1 });
  const {
    board,
    lines,
    finished,
    stop: done,
  } = sleepingBoard(["sample_interval=300", "awake_max=2", "mqtt_clean=0"], broker.port, 3, (sleeps) => {
    if (sleeps === 1)
      void sender.publishAsync("lux-1/command", '{"name":"set_interval","payload":{"seconds":120},"time":7}', {
        qos: 1,
      });
  });
  const firmware = await startFirmware(engine, board);
  const timeout = setTimeout(done, 30_000);
  try {
    await finished;
    const log = lines.join("");
    assert.equal(board.sleeps, 3, log);
    assert.match(log, /mqtt: connected to 127\.0\.0\.1:\d+ as lux-1 \(session resumed\)/);
    await until(() => results.length > 0, "the result of the command sent while asleep", {
      timeoutMs: 5000,
      detail: () => log,
    });
    assert.equal(results.length, 1, `one result for the command sent while asleep\n${log}`);
    assert.match(results[0]!, /"name":"set_interval","time":7,"ok":true/);
    const [first, second, third] = board.sleepLog;
    // Each sleep is the period less the time awake (awake_max=2 s, more on a loaded machine):
    // the bounds tell a 300 s period from a 120 s one without timing the wake.
    assert.ok(first!.ms > 290_000 && first!.ms <= 300_000, `before the command: a 300 s period (${first!.ms} ms)`);
    assert.ok(second!.ms > 110_000 && second!.ms <= 120_000, `after it: a 120 s period (${second!.ms} ms)`);
    assert.ok(third!.ms > 110_000 && third!.ms <= 120_000, `kept in flash for the wakes after (${third!.ms} ms)`);
  } finally {
    clearTimeout(timeout);
    await firmware.stop();
    board.powerOff();
    await sender.endAsync();
    await broker.close();
  }
}

// The Node engine runs one board per process (the module shims read the installed board): XS first.
for (const engine of enginesUnderTest().sort((a) => (a === "xs" ? -1 : 1))) {
  test(`${engine}: a command sent while the board sleeps is handled on the next wake`, { timeout: 60_000 }, () =>
    scenario(engine),
  );
}
