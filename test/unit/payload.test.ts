import assert from "node:assert/strict";
import { test } from "node:test";
import { roundLux, thingflowPayload } from "../../src/payload.js";

test("ThingFlow's array, byte for byte as its tutorial shows it", () => {
  assert.equal(thingflowPayload({ sensorId: "lux-1", timestamp: 624, value: 284.1312, seq: 1 }), '["lux-1", 624, 284.1312]');
});

test("lux is rounded to 4 decimals; a saturated reading carries null, never a fake number", () => {
  assert.equal(thingflowPayload({ sensorId: "lux-1", timestamp: 1795355431, value: 250.012345, seq: 2 }), '["lux-1", 1795355431, 250.0123]');
  assert.equal(thingflowPayload({ sensorId: "lux-1", timestamp: 5, value: null, seq: 3 }), '["lux-1", 5, null]');
  assert.equal(roundLux(0.00004), 0);
  assert.equal(roundLux(88000), 88000);
});

test("the payload is JSON that existing consumers parse as [id, ts, value]", () => {
  const parsed = JSON.parse(thingflowPayload({ sensorId: "lüx \u00e9", timestamp: 12, value: 0.0123, seq: 4 })) as unknown[];
  assert.deepEqual(parsed, ["lüx \u00e9", 12, 0.0123]);
});
