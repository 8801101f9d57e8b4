// The collector's layers, each alone: payload parsing, sequence verdicts, CSV rows and the
// read-back of a file's tail, and the file (header, idempotent append, torn row, rotation).
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Collector } from "../../tools/collector/collector.js";
import { CsvFile } from "../../tools/collector/csv-file.js";
import { csvRow, HEADER, lastSeqs, splitCsv } from "../../tools/collector/csv.js";
import { parseCollectorArgs } from "../../tools/collector/options.js";
import { parseReading } from "../../tools/collector/parse.js";
import { SequenceTracker } from "../../tools/collector/sequence.js";

test("parses both wire formats the firmware produces, and tolerates extra json fields", () => {
  assert.deepEqual(parseReading('["lux-1", 1795355431, 284.1312]'), {
    ok: true,
    reading: {
      sensorId: "lux-1",
      deviceTs: 1795355431,
      value: 284.1312,
      seq: undefined,
      boot: undefined,
      deviceId: "lux-1",
    },
  });
  assert.deepEqual(parseReading('{"sensor_id":"lux-2","ts":624,"val":null,"seq":17,"gain":"max","raw":[1,2]}'), {
    ok: true,
    reading: {
      sensorId: "lux-2",
      deviceTs: 624,
      value: null,
      seq: 17,
      boot: undefined,
      deviceId: "lux-2",
      raw: {
        full: undefined,
        ir: undefined,
        gain: "max",
        integrationMs: undefined,
        saturated: undefined,
        calibration: undefined,
      },
    },
  });
  // As the firmware publishes it now (docs/device-api.md, "Details"): boot and more fields.
  const full =
    '{"sensor_id":"lux-1","ts":1795355431,"val":284.1313,"seq":17,"boot":3,"full":2394,"ir":479,"gain":"medium","integration_ms":100,"saturated":false,"calibration":408.1,"time_source":"sntp"}';
  assert.deepEqual(parseReading(full), {
    ok: true,
    reading: {
      sensorId: "lux-1",
      deviceTs: 1795355431,
      value: 284.1313,
      seq: 17,
      boot: 3,
      deviceId: "lux-1",
      timeSource: "sntp",
      raw: { full: 2394, ir: 479, gain: "medium", integrationMs: 100, saturated: false, calibration: 408.1 },
    },
  });
  const withDevice = parseReading('{"sensor_id":"lux-2","ts":1,"val":3,"seq":1,"device_id":"board-9"}');
  assert.ok(withDevice.ok && withDevice.reading.deviceId === "board-9");
});

test("a malformed payload is a one-line reason, never an exception", () => {
  const cases: [string, RegExp][] = [
    ["", /not JSON/],
    ["hello", /not JSON/],
    ["42", /neither/],
    ['["lux-1", 5]', /needs \[sensor_id, ts, value\]/],
    ["[1, 2, 3]", /sensor_id/],
    ['["a", "x", 3]', /ts must be a number/],
    ['["a", 1, "bright"]', /value must be/],
    ['{"sensor_id":"a","ts":1,"val":2,"seq":0}', /seq must be/],
    ['{"sensor_id":"a","ts":1,"val":2,"seq":1,"boot":-1}', /boot must be/],
    ['{"sensor_id":"a","ts":1,"val":2,"seq":1.5}', /seq must be/],
    ['{"ts":1,"val":2}', /sensor_id/],
    ['{"sensor_id":"a","val":2}', /ts must/],
    ['{"sensor_id":"a","ts":1}', /val must/],
  ];
  for (const [text, reason] of cases) {
    const r = parseReading(text);
    assert.equal(r.ok, false, text);
    if (!r.ok) assert.match(r.reason, reason, text);
  }
});

test("sequence verdicts: next, gap, late arrival, duplicate, restart", () => {
  const t = new SequenceTracker();
  assert.deepEqual(t.observe("a", 5), { kind: "first" });
  assert.deepEqual(t.observe("a", 6), { kind: "next" });
  assert.deepEqual(t.observe("a", 10), { kind: "gap", from: 7, to: 9 });
  assert.deepEqual(t.observe("a", 8), { kind: "late" });
  assert.deepEqual(t.observe("a", 8), { kind: "duplicate" });
  assert.deepEqual(t.observe("a", 10), { kind: "duplicate" });
  assert.deepEqual(t.observe("b", 1), { kind: "first" }, "devices are tracked apart");
  assert.deepEqual(t.observe("a", 1), { kind: "restart", after: 10, boot: undefined, missing: 0 });
  assert.deepEqual(t.observe("a", 2), { kind: "next" });
  const a = new Map(t.devices()).get("a")!;
  assert.deepEqual(a, { rows: 6, missing: 2, gaps: 1, late: 1, duplicates: 2, restarts: 1, far: 0 });
  t.resume("c", 41);
  assert.deepEqual(t.observe("c", 41), { kind: "duplicate" }, "a resumed device drops what was already written");
  assert.deepEqual(t.observe("c", 42), { kind: "next" });
});

test("a new boot count is a restart even when the new boot's first readings were lost", () => {
  const t = new SequenceTracker();
  assert.deepEqual(t.observe("a", 7, 3), { kind: "first" });
  assert.deepEqual(t.observe("a", 8, 3), { kind: "next" });
  assert.deepEqual(t.observe("a", 3, 4), { kind: "restart", after: 8, boot: 4, missing: 2 });
  assert.deepEqual(t.observe("a", 1, 4), { kind: "late" }, "a lost reading of the new boot turning up late");
  assert.deepEqual(t.observe("a", 6, 3), { kind: "earlier_boot", boot: 3 });
  assert.deepEqual(t.observe("a", 8, 3), { kind: "duplicate" }, "an earlier boot's window is kept");
  assert.deepEqual(t.observe("a", 4, 4), { kind: "next" });
  assert.deepEqual(t.observe("a", 3, 4), { kind: "duplicate" });
  // A board without flash says boot 0 every time: back to 1 is still a restart.
  t.observe("b", 5, 0);
  assert.deepEqual(t.observe("b", 1, 0), { kind: "restart", after: 5, boot: 0, missing: 0 });
  assert.deepEqual(new Map(t.devices()).get("a"), {
    rows: 6,
    missing: 1,
    gaps: 1,
    late: 1,
    duplicates: 2,
    restarts: 1,
    far: 0,
  });
});

test("CSV rows: ThingFlow's four columns first, quoting, and the tail read back", () => {
  const row = csvRow(
    { sensorId: 'lux,"1"', deviceTs: 624, value: 284.1312, seq: 17, boot: 3, deviceId: "lux-1" },
    1795355431.5,
  );
  assert.equal(row, '1795355431.5,2026-11-22T13:50:31.500Z,"lux,""1""",284.1312,624,17,lux-1,3');
  assert.deepEqual(splitCsv(row), [
    "1795355431.5",
    "2026-11-22T13:50:31.500Z",
    'lux,"1"',
    "284.1312",
    "624",
    "17",
    "lux-1",
    "3",
  ]);
  assert.equal(
    csvRow({ sensorId: "a", deviceTs: 1, value: null, seq: undefined, boot: undefined, deviceId: "a" }, 1),
    "1,1970-01-01T00:00:01.000Z,a,,1,,a,",
  );
  assert.equal(splitCsv('"torn,row'), undefined);
  const tail = `ial,row\n${HEADER}\n1,x,a,1,1,3,a,2\n1,x,b,1,1,7,b\n1,x,a,1,1,4,a,2\n1,x,a,1,1,9`;
  assert.deepEqual(
    [...lastSeqs(tail, true)],
    [
      ["a", { seq: 4, boot: 2 }],
      ["b", { seq: 7, boot: undefined }],
    ],
    "the partial first line and the torn last line are ignored",
  );
});

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "luxflow-collector-"));
}

const quiet = () => {};

test("appending after a restart is idempotent: the last seq per device comes back from the file", (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "out.csv");
  const options = {
    path,
    rotateBytes: 0,
    rotateDaily: false,
    recoverBytes: 1 << 20,
    timestamps: "device" as const,
    now: () => 0,
    log: quiet,
  };
  const first = new Collector(options);
  for (let s = 1; s <= 3; s++) first.handle("t", Buffer.from(`{"sensor_id":"a","ts":${s},"val":1,"seq":${s}}`));
  first.close();
  // A torn row at the end (the process died mid-write): never acknowledged, so cut off.
  writeFileSync(path, readFileSync(path, "utf8") + "4,1970", { flag: "w" });
  const lines: string[] = [];
  const second = new Collector({ ...options, log: (l) => lines.push(l) });
  for (let s = 2; s <= 5; s++) second.handle("t", Buffer.from(`{"sensor_id":"a","ts":${s},"val":1,"seq":${s}}`));
  second.handle("t", Buffer.from("not json"));
  second.close();
  const rows = readFileSync(path, "utf8").trim().split("\n");
  assert.equal(rows[0], HEADER);
  assert.deepEqual(
    rows.slice(1).map((r) => splitCsv(r)![5]),
    ["1", "2", "3", "4", "5"],
  );
  assert.ok(
    lines.includes("a: duplicate seq 2 dropped") && lines.includes("a: duplicate seq 3 dropped"),
    lines.join("\n"),
  );
  assert.ok(
    lines.some((l) => /^malformed payload on t skipped \(not JSON\): "not json"$/.test(l)),
    lines.join("\n"),
  );
  assert.equal(second.totals.malformed, 1);
  assert.match(second.summary()[0]!, /5 message\(s\), 2 row\(s\) written .*, 2 duplicate\(s\) dropped, 1 malformed/);
});

test("rotation by size and by UTC day; each file starts with the header", (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "lux.csv");
  let now = Date.UTC(2026, 10, 23, 23, 59, 0);
  const file = new CsvFile({
    path,
    rotateBytes: HEADER.length + 1 + 2 * 20,
    rotateDaily: true,
    recoverBytes: 0,
    now: () => now,
  });
  for (let i = 0; i < 5; i++) file.append(`row-${i}`.padEnd(19, "x"));
  now += 120_000;
  file.append("next-day".padEnd(19, "x"));
  file.close();
  assert.deepEqual(
    file.rotated.map((p) => p.slice(dir.length + 1)),
    ["lux-2026-11-23.csv", "lux-2026-11-23.1.csv", "lux-2026-11-23.2.csv"],
  );
  assert.deepEqual(readdirSync(dir).sort(), [
    "lux-2026-11-23.1.csv",
    "lux-2026-11-23.2.csv",
    "lux-2026-11-23.csv",
    "lux.csv",
  ]);
  assert.equal(readFileSync(path, "utf8"), `${HEADER}\n${"next-day".padEnd(19, "x")}\n`);
  assert.equal(readFileSync(join(dir, "lux-2026-11-23.2.csv"), "utf8"), `${HEADER}\n${"row-4".padEnd(19, "x")}\n`);
});

test("the command line names a bad key or value", () => {
  assert.throws(() => parseCollectorArgs(["mqtt_hots=x"]), /unknown key "mqtt_hots"/);
  assert.throws(() => parseCollectorArgs(["timestamps=utc"]), /timestamps must be host or device \(got "utc"\)/);
  assert.throws(() => parseCollectorArgs(["mqtt_port=0"]), /mqtt_port must be a whole number from 1 to 65535/);
  assert.equal(parseCollectorArgs([]).clean, false, "a persistent session by default");
});

test("a seq far from the run is written and held apart until its successor confirms it", () => {
  const t = new SequenceTracker();
  t.observe("a", 1, 2);
  t.observe("a", 2, 2);
  assert.deepEqual(t.observe("a", 90_000, 2), { kind: "far", last: 2 });
  assert.deepEqual(t.observe("a", 3, 2), { kind: "next" }, "the run is where it was");
  assert.deepEqual(t.observe("a", 90_000, 2), { kind: "duplicate" }, "the far seq is remembered");
  assert.deepEqual(
    t.observe("a", 90_001, 2),
    { kind: "moved", from: 3, to: 90_001 },
    "a board back after a long outage",
  );
  assert.deepEqual(t.observe("a", 90_002, 2), { kind: "next" });
  assert.deepEqual(t.observe("a", 4, 2), { kind: "far", last: 90_002 });
  assert.equal(new Map(t.devices()).get("a")!.far, 2);
});
