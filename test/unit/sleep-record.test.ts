// The RTC record deep sleep keeps (src/sleep-record.ts): it round-trips, and anything that is
// not a record we wrote (power-on garbage, a flipped bit, a short read) is refused, so a cold
// boot is never mistaken for a wake.
import assert from "node:assert/strict";
import { test } from "node:test";
import { SimRtc } from "../../host-sim/parts/rtc.js";
import { decodeRecord, encodeRecord, RECORD_BYTES } from "../../src/sleep-record.js";
import { resumeRecord } from "../../src/sleep.js";
import type { DeepSleep, Logger } from "../../src/platform.js";

const record = {
  boot: 7,
  seq: 4_000_000_000,
  wakes: 123_456,
  awakeMs: 98_765,
  uptimeMs: 9_000_000_000_123,
  settled: true,
};

test("a record round-trips through RTC memory, settled or not", () => {
  const rtc = new SimRtc();
  rtc.write(encodeRecord(record));
  assert.deepEqual(decodeRecord(rtc.read()), record);
  assert.equal(encodeRecord(record).byteLength, RECORD_BYTES);
  const unsettled = { ...record, settled: false, wakes: 0x7fffffff };
  assert.deepEqual(decodeRecord(encodeRecord(unsettled)), unsettled);
});

test("power-on garbage, a flipped bit and a short read are not records", () => {
  assert.equal(decodeRecord(new SimRtc().read()), undefined);
  const bytes = new Uint8Array(encodeRecord(record));
  for (const i of [0, 5, 9, 13, 17, 21, 25, 29]) {
    const flipped = bytes.slice();
    flipped[i]! ^= 0x10;
    assert.equal(decodeRecord(flipped.buffer), undefined, `byte ${i} flipped`);
  }
  assert.equal(decodeRecord(bytes.slice(0, RECORD_BYTES - 1).buffer), undefined);
});

test("only a wake reads the record; a reset with a valid record in RTC memory is a cold boot", () => {
  const lines: string[] = [];
  const log: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  const rtc = new SimRtc();
  rtc.write(encodeRecord(record));
  const sleep = (woke: boolean): DeepSleep => ({
    woke,
    rtcBytes: 64,
    read: () => rtc.read(),
    write: (d) => rtc.write(d),
    sleep: () => undefined,
  });
  assert.deepEqual(resumeRecord(sleep(true), log), record);
  assert.equal(resumeRecord(sleep(false), log), undefined);
  assert.equal(resumeRecord({ ...sleep(true), read: () => new SimRtc().read() }, log), undefined);
  assert.match(lines.join("\n"), /woke from deep sleep but the RTC memory does not hold our record/);
});
