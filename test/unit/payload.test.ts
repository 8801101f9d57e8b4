import assert from "node:assert/strict";
import { test } from "node:test";
import { jsonPayload, losantPayload, payloadEncoder, roundLux, thingflowPayload } from "../../src/payload.js";

test("ThingFlow's array, byte for byte as its tutorial shows it", () => {
  assert.equal(
    thingflowPayload({ sensorId: "lux-1", timestamp: 624, value: 284.1312, seq: 1 }),
    '["lux-1", 624, 284.1312]',
  );
});

test("lux is rounded to 4 decimals; a saturated reading carries null, never a fake number", () => {
  assert.equal(
    thingflowPayload({ sensorId: "lux-1", timestamp: 1795355431, value: 250.012345, seq: 2 }),
    '["lux-1", 1795355431, 250.0123]',
  );
  assert.equal(thingflowPayload({ sensorId: "lux-1", timestamp: 5, value: null, seq: 3 }), '["lux-1", 5, null]');
  assert.equal(roundLux(0.00004), 0);
  assert.equal(roundLux(88000), 88000);
});

test("the payload is JSON that existing consumers parse as [id, ts, value]", () => {
  const parsed = JSON.parse(
    thingflowPayload({ sensorId: "lüx \u00e9", timestamp: 12, value: 0.0123, seq: 4 }),
  ) as unknown[];
  assert.deepEqual(parsed, ["lüx \u00e9", 12, 0.0123]);
});

test("the bytes sent are the UTF-8 of each format's text, for any sensor id", () => {
  const utf8 = (text: string) => [...new TextEncoder().encode(text)];
  const thingflow = payloadEncoder("thingflow", "lux-1");
  assert.deepEqual(
    [...thingflow.bytes({ sensorId: "lux-1", timestamp: 624, value: 284.1312, seq: 1 })],
    utf8('["lux-1", 624, 284.1312]'),
  );
  assert.deepEqual(
    [...thingflow.bytes({ sensorId: "lux-1", timestamp: 5, value: null, seq: 3 })],
    utf8('["lux-1", 5, null]'),
  );
  const odd = 'lüx é \u{1F4A1} "q"';
  assert.deepEqual(
    [...payloadEncoder("thingflow", odd).bytes({ sensorId: odd, timestamp: 1, value: 1e-5, seq: 1 })],
    utf8(`[${JSON.stringify(odd)}, 1, 0]`),
  );
  const reading = {
    sensorId: odd,
    timestamp: 1795355431,
    value: 88000.00004,
    seq: 9,
    timeSource: "sntp" as const,
    boot: 2,
    raw: { full: 100, ir: 20, gain: "low", integration: 100, saturated: false, calibration: 408.1 },
  };
  assert.deepEqual([...payloadEncoder("json", odd).bytes(reading)], utf8(jsonPayload(reading)));
  assert.deepEqual([...payloadEncoder("losant", odd).bytes(reading)], utf8(losantPayload(reading)));
  assert.equal(thingflowPayload(reading), `[${JSON.stringify(odd)}, 1795355431, 88000]`);
});
