// Issue 12's collector defects, each as a user or an attacker met it: a reading that cannot
// be written, a spoofed seq, a spreadsheet formula in a sensor id, and the Losant format.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Collector } from "../../tools/collector/collector.js";
import { HEADER, splitCsv } from "../../tools/collector/csv.js";
import { parseReading } from "../../tools/collector/parse.js";

function setup(t: { after(f: () => void): void }, timestamps: "host" | "device" = "device") {
  const dir = mkdtempSync(join(tmpdir(), "luxflow-defects-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "out.csv");
  const lines: string[] = [];
  const options = {
    path,
    rotateBytes: 0,
    rotateDaily: false,
    recoverBytes: 1 << 20,
    timestamps,
    now: () => 1_795_355_431_000,
    log: (l: string) => lines.push(l),
  };
  const rows = () =>
    readFileSync(path, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => splitCsv(l)!);
  return { path, lines, options, rows };
}

const json = (seq: number, extra = "") =>
  Buffer.from(`{"sensor_id":"lux-1","ts":${1795355431 + (seq % 1000)},"val":12.5,"seq":${seq},"boot":2${extra}}`);

test("defect 1: a reading whose row cannot be formed is logged, counted and skipped; later rows flow", (t) => {
  const s = setup(t, "device");
  const c = new Collector(s.options);
  assert.doesNotThrow(() => c.handle("sensor-data", Buffer.from('["evil",1e300,1]')));
  c.handle("sensor-data", Buffer.from('["lux-1",1795355431,5]'));
  c.close();
  assert.deepEqual(
    s.rows().map((r) => r[2]),
    ["lux-1"],
  );
  assert.equal(c.totals.unwritable, 1);
  assert.ok(
    s.lines.some((l) => /^evil: reading skipped \(cannot be written: .*\): "\[\\"evil\\",1e300,1\]"$/.test(l)),
    s.lines.join("\n"),
  );
  assert.match(c.summary()[0]!, /1 unwritable/);
});

test("defect 2: a spoofed seq neither drops later genuine readings nor poisons a restart", (t) => {
  const s = setup(t);
  const first = new Collector(s.options);
  for (let q = 1; q <= 3; q++) first.handle("sensor-data", json(q));
  first.handle("sensor-data", json(9007199254740991));
  first.handle("sensor-data", json(4));
  first.handle("sensor-data", json(5));
  first.handle("sensor-data", json(5));
  first.close();
  assert.ok(!s.lines.some((l) => /duplicate seq 4 dropped/.test(l)), s.lines.join("\n"));
  assert.ok(
    s.lines.some((l) => /lux-1: seq 9007199254740991 is far from seq 3 .*written/.test(l)),
    s.lines.join("\n"),
  );
  assert.equal(first.totals.duplicates, 1, "only the real redelivery of seq 5 is dropped");
  const second = new Collector({ ...s.options, log: () => {} });
  second.handle("sensor-data", json(5));
  second.handle("sensor-data", json(6));
  second.handle("sensor-data", json(9007199254740991));
  second.close();
  assert.deepEqual(
    s.rows().map((r) => r[5]),
    ["1", "2", "3", "9007199254740991", "4", "5", "6"],
  );
});

test("defect 3: cells that a spreadsheet would run as a formula are neutralised", (t) => {
  const s = setup(t);
  const c = new Collector(s.options);
  const ids = ["=cmd|' /C calc'!A0", "+1+1", "-2", "@SUM(A1)", "\tx", "lux-1"];
  for (const id of ids) c.handle("sensor-data", Buffer.from(JSON.stringify([id, 1795355431, 1])));
  c.handle(
    "sensor-data",
    Buffer.from('{"sensor_id":"ok","device_id":"=HYPERLINK(\\"http://x\\")","ts":1,"val":1,"seq":1}'),
  );
  c.close();
  const text = readFileSync(s.path, "utf8");
  assert.ok(text.startsWith(`${HEADER}\n`));
  const cells = s.rows().flatMap((r) => [r[2]!, r[6]!]);
  for (const cell of cells) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `cell ${JSON.stringify(cell)}`);
  assert.equal(s.rows()[0]![2], "'=cmd|' /C calc'!A0");
  assert.equal(s.rows().at(-2)![2], "lux-1", "an ordinary id is left alone (a tab in an id is refused by the parser)");
  // Read back on restart, a neutralised id is the device's own id again: no duplicates.
  const again = new Collector({ ...s.options, log: () => {} });
  again.handle(
    "sensor-data",
    Buffer.from('{"sensor_id":"ok","device_id":"=HYPERLINK(\\"http://x\\")","ts":1,"val":1,"seq":1}'),
  );
  again.close();
  assert.equal(again.totals.duplicates, 1);
});

test("defect 5: Losant readings (losant/<device id>/state) are parsed; its state messages are not readings", () => {
  const r = parseReading(
    '{"data":{"lux":284.1313,"seq":17,"full":2394,"ir":479,"gain":"medium","integration_ms":100,"saturated":false,"calibration":408.1},"time":1795355431000}',
    "losant/board-9/state",
  );
  assert.equal(r.ok, true);
  if (!r.ok) return;
  assert.equal(r.reading.deviceId, "board-9");
  assert.equal(r.reading.sensorId, "board-9");
  assert.equal(r.reading.deviceTs, 1795355431);
  assert.equal(r.reading.value, 284.1313);
  assert.equal(r.reading.seq, 17);
  assert.deepEqual(r.reading.raw, {
    full: 2394,
    ir: 479,
    gain: "medium",
    integrationMs: 100,
    saturated: false,
    calibration: 408.1,
  });
  const state = parseReading('{"data":{"sensor_id":"lux-1","sample_interval":1}}', "losant/board-9/state");
  assert.deepEqual(state, { ok: false, reason: "not a reading", ignore: true });
});

test("defect 5: Losant readings land in the CSV under the Losant device id", (t) => {
  const s = setup(t);
  const c = new Collector(s.options);
  c.handle("losant/board-9/state", Buffer.from('{"data":{"lux":3.5,"seq":1},"time":1795355431000}'));
  c.handle("losant/board-9/state", Buffer.from('{"data":{"sensor_id":"lux-1","gain":"low"}}'));
  c.handle("losant/board-9/state", Buffer.from('{"data":{"lux":3.6,"seq":2}}'));
  c.close();
  assert.deepEqual(
    s.rows().map((r) => [r[2], r[3], r[5], r[6]]),
    [
      ["board-9", "3.5", "1", "board-9"],
      ["board-9", "3.6", "2", "board-9"],
    ],
  );
  assert.equal(c.totals.malformed, 0, "a state message is not a malformed reading");
});
