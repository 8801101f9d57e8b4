// The firmware's device events (connect, close, reconnect, command), its restart and heap
// report, and boot checks, with the firmware booted in-process through src/main.ts on a
// simulated board (Board.boot) against a real aedes broker on loopback.
import assert from "node:assert/strict";
import { test } from "node:test";
import { connect } from "mqtt";
import { Board } from "../../host-sim/board.js";
import { startAedes } from "../../host-sim/faults/brokers.js";
import { until } from "../helpers/wait.js";

/** A simulated board on the broker at `port`, sampling every 0.5 s, its log into `lines`. */
function boardOn(port: number, lines: string[], extra: Record<string, string>): Board {
  const config = { mqtt_host: "127.0.0.1", mqtt_port: String(port), ssid: "luxflow-sim", sample_interval: "0.5" };
  return new Board({ config: { ...config, ...extra }, trace: (t) => lines.push(t) });
}

test("device events: connect, command, close, reconnect, as the Losant client has them", async () => {
  const broker = await startAedes();
  const lines: string[] = [];
  const board = boardOn(broker.port, lines, { mqtt_reconnect_min: "0.1", mqtt_reconnect_max: "0.3" });
  const app = await board.boot();
  assert.ok(app !== undefined, lines.join(""));
  const events: string[] = [];
  app.device.events.on("connect", () => events.push("connect"));
  app.device.events.on("reconnect", () => events.push("reconnect"));
  app.device.events.on("close", (reason) => events.push(`close: ${String(reason)}`));
  app.device.events.on("command", (c) => events.push(`command ${(c as { name: string }).name}`));
  try {
    await until(() => events.includes("connect"), "connect", { timeoutMs: 10_000, detail: () => lines.join("") });
    await until(() => app.connection.connected && app.connection.outbox.length === 0, "the command subscription", {
      timeoutMs: 10_000,
      detail: () => lines.join(""),
    });
    const client = connect({ host: "127.0.0.1", port: broker.port, protocolVersion: 4 });
    await new Promise<void>((resolve) => client.once("connect", () => resolve()));
    await new Promise<void>((resolve) =>
      client.publish("lux-1/command", '{"name":"report_state"}', { qos: 1 }, () => resolve()),
    );
    client.end(true);
    await until(() => events.includes("command report_state"), "the command event", {
      timeoutMs: 10_000,
      detail: () => lines.join(""),
    });
    await broker.kill();
    await until(() => events.some((e) => e.startsWith("close: ")), "close", {
      timeoutMs: 10_000,
      detail: () => lines.join(""),
    });
    await broker.restart();
    await until(() => events.includes("reconnect"), "reconnect", { timeoutMs: 10_000, detail: () => lines.join("") });
    assert.deepEqual(
      events.filter((e) => !e.startsWith("close")),
      ["connect", "command report_state", "reconnect"],
    );
  } finally {
    board.run(() => app.stop());
    board.shutdown();
    await broker.close();
  }
});

test("main.ts's wiring on the board: the health report has the heap, the restart command reboots through System.restart", async () => {
  const broker = await startAedes();
  const lines: string[] = [];
  const board = boardOn(broker.port, lines, { health_interval: "1" });
  const client = connect({ host: "127.0.0.1", port: broker.port, protocolVersion: 4 });
  const health: { heap: number | null }[] = [];
  client.on("message", (_topic, payload) => health.push(JSON.parse(payload.toString()) as { heap: number | null }));
  await new Promise<void>((resolve) =>
    client.once("connect", () => client.subscribe("lux-1/health", { qos: 1 }, () => resolve())),
  );
  const first = await board.boot();
  try {
    assert.ok(first !== undefined, lines.join(""));
    await until(() => health.length > 0, "a health report");
    const heap = health[0]!.heap;
    assert.ok(typeof heap === "number" && heap > 0, `heap in use from main.ts's Instrumentation wiring, got ${heap}`);
    await until(() => first.connection.connected && first.connection.outbox.length === 0, "the command subscription");
    await new Promise<void>((resolve) =>
      client.publish("lux-1/command", '{"name":"restart"}', { qos: 1 }, () => resolve()),
    );
    await until(
      () => board.boots === 2 && board.app?.connection.connected === true,
      "the reboot and the new app's connection",
    );
    assert.equal(board.restarts, 1, lines.join(""));
    assert.notEqual(board.app, first, "a new app from main after the restart");
    assert.equal(first.connection.connected, false, "the old app was stopped before the restart");
    assert.ok(
      lines.some((l) => /^sim: restart 1$/m.test(l)),
      lines.join(""),
    );
  } finally {
    const app = board.app;
    board.run(() => app?.stop());
    board.shutdown();
    client.end(true);
    await broker.close();
  }
});

test("an unknown key fails the boot with a line naming it; the board stays idle", async () => {
  const lines: string[] = [];
  const board = new Board({ config: { mqtt_host: "127.0.0.1", mqtt_hots: "x" }, trace: (t) => lines.push(t) });
  assert.equal(await board.boot(), undefined);
  assert.match(lines.join(""), /luxflow error: config: unknown key mqtt_hots \(a typo\?/);
  board.shutdown();
});
