// The dashboard's model alone: messages of the device API in, browser events out; and the
// check that keeps a command from the page contract-shaped (docs/device-api.md).
import assert from "node:assert/strict";
import { test } from "node:test";
import { commandMessage, DashboardModel } from "../../tools/dashboard/model.js";

test("readings, status, state, health and results become events and per-device views", () => {
  const m = new DashboardModel("sensor-data", 3);
  assert.deepEqual(m.topics(), ["sensor-data", "+/status", "+/state", "+/health", "+/result"]);
  assert.deepEqual(m.apply("sensor-data", '{"sensor_id":"lux-1","ts":10,"val":5.5,"seq":1}', 1000), {
    type: "reading",
    id: "lux-1",
    point: { at: 1000, ts: 10, val: 5.5, seq: 1 },
  });
  assert.deepEqual(m.apply("sensor-data", '["lux-2", 11, null]', 1001), {
    type: "reading",
    id: "lux-2",
    point: { at: 1001, ts: 11, val: null, seq: undefined },
  });
  for (let s = 2; s <= 5; s++)
    m.apply("sensor-data", `{"sensor_id":"lux-1","ts":${10 + s},"val":${s},"seq":${s}}`, 1000 + s);
  assert.deepEqual(
    m.devices.get("lux-1")!.points.map((p) => p.seq),
    [3, 4, 5],
    "history keeps the newest",
  );
  assert.deepEqual(m.apply("lux-1/status", "offline", 0), { type: "status", id: "lux-1", status: "offline" });
  assert.deepEqual(m.apply("lux-1/state", '{"gain":"max"}', 0), { type: "state", id: "lux-1", value: { gain: "max" } });
  assert.deepEqual(m.apply("lux-1/result", '{"name":"identify","time":5,"ok":true}', 0), {
    type: "result",
    id: "lux-1",
    value: { name: "identify", time: 5, ok: true },
  });
  assert.deepEqual(m.apply("lux-1/health", '{"heap":1}', 0), { type: "health", id: "lux-1", value: { heap: 1 } });
  const view = m.devices.get("lux-1")!;
  assert.equal(view.status, "offline");
  assert.deepEqual(view.state, { gain: "max" });
  assert.equal(view.results.length, 1);
  assert.equal(m.apply("lux-1/status", "", 0)?.type, "status");
  assert.equal(view.status, undefined, "an empty retained message clears the status");
});

test("malformed messages are problems, never exceptions; unrelated topics are ignored", () => {
  const m = new DashboardModel("sensor-data", 10);
  assert.deepEqual(m.apply("sensor-data", "hello", 0), {
    type: "problem",
    message: "malformed reading on sensor-data ignored (not JSON)",
  });
  assert.deepEqual(m.apply("lux-1/state", "{", 0), {
    type: "problem",
    message: "malformed JSON on lux-1/state ignored",
  });
  assert.equal(m.apply("lux-1/other", "x", 0), undefined);
  assert.equal(m.apply("status", "online", 0), undefined);
  assert.equal(m.devices.size, 0);
});

test("commands are checked before they reach the broker", () => {
  assert.deepEqual(
    commandMessage({ id: "lux-1", name: "set_interval", payload: { seconds: 2 }, time: 1795355431000 }),
    {
      topic: "lux-1/command",
      message: '{"name":"set_interval","payload":{"seconds":2},"time":1795355431000}',
    },
  );
  assert.deepEqual(commandMessage({ id: "lux-1", name: "identify", time: 7 }), {
    topic: "lux-1/command",
    message: '{"name":"identify","payload":{},"time":7}',
  });
  assert.equal(commandMessage(null), "the command must be a JSON object");
  assert.equal(commandMessage({ id: "a/b", name: "identify", time: 1 }), "id must be a device id (no /, + or #)");
  assert.equal(
    commandMessage({ id: "a", name: "Drop Tables", time: 1 }),
    "name must be a command name such as set_interval",
  );
  assert.equal(commandMessage({ id: "a", name: "set_gain", payload: [1], time: 1 }), "payload must be a JSON object");
  assert.equal(
    commandMessage({ id: "a", name: "set_gain", payload: {}, time: 1.5 }),
    "time must be a whole number of milliseconds",
  );
});
