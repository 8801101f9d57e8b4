// What a deep-sleep run must show, on either engine (see deep-sleep-cycles.ts): no reading
// lost, each with its seq and boot as first sent, readings queued across sleeps, flash left
// alone on wakes that deliver, and flash wear within endurance for years at a 5-minute period.
import assert from "node:assert/strict";
import { Esp32NvsWear, Esp8266PreferenceWear, enduranceYears } from "../../host-sim/parts/flash-wear.js";
import type { CycleRun } from "./deep-sleep-cycles.js";

/** Typical SPI NOR endurance (e.g. Winbond W25Q32JV datasheet: 100,000 program/erase cycles per sector). */
export const FLASH_CYCLES = 100_000;

export function checkCycles(run: CycleRun, cycles: number): void {
  const { received, board, log } = run;
  const produced = board.sleeps;
  assert.ok(produced >= cycles, `${produced} wakes`);
  const missing = Array.from({ length: produced }, (_, i) => i + 1).filter((seq) => !received.has(seq));
  assert.deepEqual(missing, [], `every seq from 1 to ${produced} arrives (one reading per wake)\n${log.slice(-3000)}`);
  assert.equal(Math.max(...received.keys()), produced, "no reading beyond the wakes");
  for (const [seq, copies] of received) {
    assert.ok(
      copies.every((c) => c === copies[0]),
      `seq ${seq}: a redelivery carries the same seq, boot and timestamp: ${copies.join(" | ")}`,
    );
    assert.equal(
      (JSON.parse(copies[0]!) as { boot: number }).boot,
      1,
      `seq ${seq}: the boot of the power-on, not counted again per wake`,
    );
  }
  // Network time when the access point was there, seconds since power-on when it was not:
  // either way, readings of successive wakes are one 300 s period apart.
  type Stamp = { seq: number; ts: number; time_source: string };
  const stamps = [...received.keys()].sort((a, b) => a - b).map((seq) => JSON.parse(received.get(seq)![0]!) as Stamp);
  const uptime = stamps.filter((s) => s.time_source === "uptime");
  assert.ok(uptime.length >= 3, `readings taken without network time: ${uptime.map((s) => s.seq).join(",")}`);
  for (const source of ["sntp", "uptime"]) {
    const same = stamps.filter((s) => s.time_source === source);
    for (let i = 1; i < same.length; i++) {
      const [a, b] = [same[i - 1]!, same[i]!];
      const periods = (b.ts - a.ts) / 300;
      assert.ok(
        Math.abs(periods - (b.seq - a.seq)) < 0.02,
        `${source} stamps of seq ${a.seq} and ${b.seq}: ${b.ts - a.ts} s apart, ${b.seq - a.seq} periods: the clock jumped over each sleep`,
      );
    }
  }
  assert.ok(run.downWakes.size >= 10, `the broker or the access point was down for ${run.downWakes.size} wakes`);
  assert.match(
    log,
    /sleep: awake_max reached; awake \d+ ms, \d+ readings queued for the next wake/,
    "undelivered readings were kept across a sleep",
  );
  assert.match(
    log,
    /mqtt: connected to 127\.0\.0\.1:\d+ as lux-1 \(session resumed\)/,
    "the persistent session survives sleep",
  );
  assert.equal(board.restarts, 0);

  // Flash: a wake that delivers everything (and had nothing queued) writes nothing.
  const perWake = board.sleepLog.map((s, i) => s.flashWrites - (i === 0 ? 0 : board.sleepLog[i - 1]!.flashWrites));
  const quiet = perWake.filter((n, i) => i > 0 && n === 0).length;
  assert.ok(
    quiet >= produced - 2 * run.downWakes.size - 4,
    `wakes writing no flash: ${quiet} of ${produced} (${perWake.join(",")})`,
  );
  assert.ok(
    Math.max(...perWake.slice(1)) <= 2 * 32 + 4,
    `at most one journal's worth of writes in a wake: ${Math.max(...perWake.slice(1))}`,
  );

  // Endurance at a 5-minute period (288 wakes a day): this run's writes, outages included,
  // replayed for a year of wakes through each chip's preference layout.
  const esp = new Esp8266PreferenceWear();
  const nvs = new Esp32NvsWear();
  const yearOfWakes = 288 * 365;
  for (let wakes = 0; wakes < yearOfWakes; wakes += produced) {
    for (const op of run.flashOps) {
      esp.write(op.domain, op.key, op.value);
      nvs.write(op.domain, op.key, op.value);
    }
  }
  const blocks = Math.ceil(yearOfWakes / produced);
  for (const [name, erases] of [
    ["ESP8266 preference", esp.sectorErases],
    ["ESP32 NVS", nvs.sectorErases],
  ] as const) {
    assert.ok(erases > 0, `${name}: a year of this run's writes erases some sector`);
    const years = enduranceYears(FLASH_CYCLES, (erases / (blocks * produced)) * 288);
    assert.ok(
      years > 10,
      `${name}: ${erases.toFixed(0)} erases of the busiest sector in ${blocks * produced} wakes: ${years.toFixed(0)} years to ${FLASH_CYCLES} cycles`,
    );
  }
}
