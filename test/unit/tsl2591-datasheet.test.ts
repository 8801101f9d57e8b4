// Two independent readings of the TSL2591 datasheet: the driver's tables
// (drivers/tsl2591/tsl2591-registers.ts) and the chip model's (host-sim/chips/tsl2591-datasheet.ts).
// They must agree constant by constant, and the driver's gains must make every range read the
// same light alike on the model; the same check run with a wrong gain table (Adafruit's
// 1/25/428/9876) fails, so a wrong constant in the driver cannot pass unnoticed.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as driver from "../../drivers/tsl2591/tsl2591-registers.js";
import * as chip from "../../host-sim/chips/tsl2591-datasheet.js";
import { luxFromCounts } from "../../drivers/tsl2591/tsl2591-lux.js";
import { sourceResponse } from "../../host-sim/chips/tsl2591-adc.js";
import { makeRig } from "../helpers/tsl2591-rig.js";
import type { SourceName } from "../../host-sim/chips/light-spectra.js";

test("address, ID, register map, command byte and bit fields agree", () => {
  assert.equal(driver.ADDRESS, chip.I2C_ADDRESS);
  assert.equal(driver.CHIP_ID, chip.ID_VALUE);
  assert.deepEqual(
    [
      driver.Register.ENABLE,
      driver.Register.CONTROL,
      driver.Register.AILTL,
      driver.Register.AIHTL,
      driver.Register.NPAILTL,
      driver.Register.NPAIHTL,
      driver.Register.PERSIST,
      driver.Register.PID,
      driver.Register.ID,
      driver.Register.STATUS,
      driver.Register.C0DATAL,
      driver.Register.C1DATAL,
    ],
    [
      chip.REG.ENABLE,
      chip.REG.CONFIG,
      chip.REG.AILTL,
      chip.REG.AIHTL,
      chip.REG.NPAILTL,
      chip.REG.NPAIHTL,
      chip.REG.PERSIST,
      chip.REG.PID,
      chip.REG.ID,
      chip.REG.STATUS,
      chip.REG.C0DATAL,
      chip.REG.C1DATAL,
    ],
  );
  assert.equal(driver.Command.NORMAL, chip.CMD_BIT | (chip.TRANSACTION_NORMAL << chip.TRANSACTION_SHIFT));
  assert.equal(driver.Command.SPECIAL, chip.CMD_BIT | (chip.TRANSACTION_SPECIAL << chip.TRANSACTION_SHIFT));
  assert.deepEqual(
    [
      driver.Command.FORCE_INTERRUPT,
      driver.Command.CLEAR_ALS_INTERRUPT,
      driver.Command.CLEAR_ALL_INTERRUPTS,
      driver.Command.CLEAR_NP_INTERRUPT,
    ].map((c) => c & chip.ADDR_SF_MASK),
    [chip.SF.FORCE_INTERRUPT, chip.SF.CLEAR_ALS, chip.SF.CLEAR_ALS_AND_NP, chip.SF.CLEAR_NP],
  );
  assert.deepEqual(
    [
      driver.Enable.NPIEN,
      driver.Enable.SAI,
      driver.Enable.AIEN,
      driver.Enable.AEN,
      driver.Enable.PON,
      driver.Enable.WRITABLE,
    ],
    [chip.EN.NPIEN, chip.EN.SAI, chip.EN.AIEN, chip.EN.AEN, chip.EN.PON, chip.EN_DEFINED],
  );
  assert.deepEqual(
    [
      driver.Control.SRESET,
      driver.Control.AGAIN_SHIFT,
      driver.Control.AGAIN_MASK,
      driver.Control.ATIME_MASK,
      driver.Control.ATIME_MAX,
    ],
    [chip.CONFIG_SRESET, chip.AGAIN_SHIFT, chip.AGAIN_BITS, chip.ATIME_BITS, chip.ATIME_LAST_VALID],
  );
  assert.deepEqual(
    [driver.Status.NPINTR, driver.Status.AINT, driver.Status.AVALID],
    [chip.ST.NPINTR, chip.ST.AINT, chip.ST.AVALID],
  );
  assert.deepEqual([...driver.PERSIST_CYCLES], [...chip.APERS_CYCLES]);
});

test("gains, integration times and full-scale counts agree", () => {
  assert.deepEqual([...driver.GAIN_FACTORS], [...chip.GAIN_CH0]);
  assert.deepEqual([...driver.GAIN_FACTORS_CH1], [...chip.GAIN_CH1]);
  for (let atime = 0; atime <= 5; atime++) {
    assert.equal(driver.integrationMs(atime), chip.atimeMs(atime));
    assert.equal(driver.maxCount(driver.integrationMs(atime)), chip.fullScale(atime));
  }
});

const RANGES = [
  [0, 0],
  [1, 0],
  [2, 0],
  [3, 0],
  [3, 5],
] as const;

/**
 * Reads one light at every range with a gain table (the formula's other constants fixed) and
 * returns the ranges whose lux differs from low gain's by more than count resolution (0.5 %).
 */
function inconsistentRanges(g0: readonly number[], g1: readonly number[], source: SourceName): string[] {
  const r = sourceResponse(source);
  const bad: string[] = [];
  let reference: number | undefined;
  for (const [again, atime] of RANGES) {
    const ms = (atime + 1) * 100;
    const lux = 20_000 / (r.ch0 * chip.GAIN_CH0[again]! * ms); // CH0 ≈ 20,000 counts at this range
    const rig = makeRig({ autoRange: false, gain: driver.GAIN_NAMES[again], integration: ms }, { lux, source });
    const { sample } = rig.next();
    assert.ok(sample);
    const value = luxFromCounts(sample.full, sample.ir, ms, g0[again]!, g1[again]!, 608) / lux;
    reference ??= value;
    if (Math.abs(value / reference - 1) > 0.005)
      bad.push(`${driver.GAIN_NAMES[again]} ${ms} ms: ${((value / reference - 1) * 100).toFixed(1)} %`);
  }
  return bad;
}

test("the driver's gain tables make every range agree on the model (daylight and LED)", () => {
  for (const source of ["d65", "led"] as const)
    assert.deepEqual(inconsistentRanges(driver.GAIN_FACTORS, driver.GAIN_FACTORS_CH1, source), []);
});

test("the same check catches a wrong gain constant: Adafruit's 1/25/428/9876 on both channels fails it", () => {
  const wrong = [1, 25, 428, 9876];
  const bad = inconsistentRanges(wrong, wrong, "d65");
  assert.ok(bad.length >= 3, bad.join("; "));
  const oneOff: number[] = [...driver.GAIN_FACTORS_CH1];
  oneOff[3] = 9200; // CH1's max gain taken as CH0's
  assert.deepEqual(inconsistentRanges(driver.GAIN_FACTORS, oneOff, "d65").length, 2, "max gain at 100 and 600 ms");
});

test("the chip model and the spectra are pure TypeScript: relative imports of each other, types only from outside", async () => {
  const { readdirSync, readFileSync } = await import("node:fs");
  const dir = new URL("../../../host-sim/chips/", import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));
  assert.ok(files.includes("tsl2591-datasheet.ts") && files.includes("light-spectra.ts"));
  const problems: string[] = [];
  for (const file of files) {
    const code = readFileSync(new URL(file, dir), "utf8")
      .replace(/\/\/.*$/gm, "")
      .replace(/\/\*[\s\S]*?\*\//g, "");
    for (const m of code.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gm)) {
      const [, , type, from] = m;
      const local = /^\.\/[\w-]+\.js$/.test(from!);
      const typeOnly = type !== undefined && (from === "../../src/platform.js" || from === "../io/i2c.js");
      if (!local && !typeOnly) problems.push(`${file}: ${m[0].trim()}`);
    }
    for (const g of ["process", "Buffer", "require", "setTimeout", "setInterval", "console", "globalThis"]) {
      if (new RegExp(`(?<![.\\w])${g}\\b`).test(code)) problems.push(`${file}: uses ${g}`);
    }
  }
  assert.deepEqual(problems, []);
});
