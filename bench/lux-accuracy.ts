// `npm run bench:lux`: lux error of each formula in use against the true illuminance (V(λ)) of
// the scene, per light source and per range, on the spectral chip model (host-sim/chips/: the
// datasheet's responsivity curves, per-channel gains, dark counts; no noise, a typical part).
// At each range the scene is set so CH0 sits near 40 % of full scale. The summary ranks the
// formulas by mean absolute error over the ordinary sources (A, D65, LED, fluorescent); the
// IR-rich scene is reported apart, since no two-channel formula can be accurate there.
// Then the driver end to end (auto-range, the chosen formula) per source, from 0.01 to 80,000 lux.
import { VirtualClock } from "../host-sim/clock.js";
import { I2CBus } from "../host-sim/io/i2c.js";
import { smbusClass } from "../host-sim/io/i2c-smbus.js";
import { Tsl2591Model } from "../host-sim/chips/tsl2591.js";
import { sourceResponse } from "../host-sim/chips/tsl2591-adc.js";
import { GAIN_CH0, fullScale } from "../host-sim/chips/tsl2591-datasheet.js";
import { SOURCE_DESCRIPTIONS, SOURCE_NAMES, type Light, type SourceName } from "../host-sim/chips/light-spectra.js";
import TSL2591 from "../drivers/tsl2591/tsl2591.js";
import { FORMULAS } from "./lux-formulas.js";

const RANGES = [
  { again: 0, atime: 0, name: "low 100 ms" },
  { again: 1, atime: 0, name: "med 100 ms" },
  { again: 2, atime: 1, name: "high 200 ms" },
  { again: 3, atime: 0, name: "max 100 ms" },
  { again: 3, atime: 5, name: "max 600 ms" },
] as const;
const ORDINARY: readonly SourceName[] = ["a", "d65", "led", "fluorescent"];

/** Raw counts of the chip model at a fixed range for a constant light. */
function counts(light: Light, again: number, atime: number): { c0: number; c1: number } {
  const clock = new VirtualClock(0);
  const bus = new I2CBus();
  bus.attach(0x29, new Tsl2591Model({ clock, scene: () => light }));
  const io = new (smbusClass(bus))({ data: 1, clock: 2, hz: 400_000, address: 0x29 });
  io.writeUint8(0xa1, (again << 4) | atime);
  io.writeUint8(0xa0, 0x03);
  clock.advance((atime + 1) * 100);
  const b = new Uint8Array(io.readBuffer(0xb4, 4));
  return { c0: b[0]! | (b[1]! << 8), c1: b[2]! | (b[3]! << 8) };
}

const pct = (x: number | null): string =>
  x === null || !Number.isFinite(x) ? "n/a" : `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)} %`;

const errors = new Map<string, Map<SourceName, number[]>>();
console.log("## Lux error against the true illuminance, per source and range (CH0 near 40 % of full scale)\n");
console.log(`| formula | source | ${RANGES.map((r) => r.name).join(" | ")} |`);
console.log(`|---|---|${RANGES.map(() => "---").join("|")}|`);
for (const formula of FORMULAS) {
  const perSource = new Map<SourceName, number[]>();
  errors.set(formula.name, perSource);
  for (const source of SOURCE_NAMES) {
    const cells: string[] = [];
    const list: number[] = [];
    for (const range of RANGES) {
      const ms = (range.atime + 1) * 100;
      const lux = (0.4 * fullScale(range.atime)) / (sourceResponse(source).ch0 * GAIN_CH0[range.again]! * ms);
      const { c0, c1 } = counts({ lux, source }, range.again, range.atime);
      const value = formula.lux(c0, c1, range.again, ms);
      const error = value === null ? null : value / lux - 1;
      if (error !== null) list.push(error);
      cells.push(pct(error));
    }
    perSource.set(source, list);
    console.log(`| ${formula.name} | ${source} | ${cells.join(" | ")} |`);
  }
}

console.log("\n## Summary: mean absolute error over the ranges\n");
console.log(`| formula | ${SOURCE_NAMES.join(" | ")} | mean over ${ORDINARY.join(", ")} | worst of those |`);
console.log(`|---|${SOURCE_NAMES.map(() => "---").join("|")}|---|---|`);
const ranked: { name: string; mean: number }[] = [];
for (const formula of FORMULAS) {
  const perSource = errors.get(formula.name)!;
  const mae = (s: SourceName) => {
    const l = perSource.get(s)!;
    return l.reduce((a, e) => a + Math.abs(e), 0) / l.length;
  };
  const ordinary = ORDINARY.map(mae);
  const mean = ordinary.reduce((a, b) => a + b, 0) / ordinary.length;
  ranked.push({ name: formula.name, mean });
  console.log(
    `| ${formula.name} | ${SOURCE_NAMES.map((s) => `${(mae(s) * 100).toFixed(1)} %`).join(" | ")} | **${(mean * 100).toFixed(1)} %** | ${(Math.max(...ordinary) * 100).toFixed(1)} % |`,
  );
}
ranked.sort((a, b) => a.mean - b.mean);
console.log(
  `\nMost accurate over the ordinary sources: ${ranked[0]!.name} (${(ranked[0]!.mean * 100).toFixed(1)} %), then ${ranked
    .slice(1)
    .map((r) => `${r.name} ${(r.mean * 100).toFixed(1)} %`)
    .join(", ")}.`,
);
for (const formula of FORMULAS) console.log(`- ${formula.name}: ${formula.note}`);
console.log("\nSources:");
for (const source of SOURCE_NAMES) {
  const r = sourceResponse(source);
  console.log(`- ${source}: ${SOURCE_DESCRIPTIONS[source]}; CH1/CH0 (gain-normalised) ${(r.ch1 / r.ch0).toFixed(3)}`);
}

console.log("\n## The driver end to end (auto-range, chosen formula), error and ir_rich flag\n");
const levels = [0.01, 1, 100, 10_000, 80_000];
console.log(`| source | ${levels.map((l) => `${l} lux`).join(" | ")} |`);
console.log(`|---|${levels.map(() => "---").join("|")}|`);
for (const source of SOURCE_NAMES) {
  const cells: string[] = [];
  for (const lux of levels) {
    const clock = new VirtualClock(0);
    const bus = new I2CBus();
    bus.attach(0x29, new Tsl2591Model({ clock, timers: clock, scene: () => ({ lux, source }) }));
    const driver = new TSL2591({ sensor: { io: smbusClass(bus), data: 1, clock: 2 }, timers: clock });
    let s = driver.sample();
    for (let i = 0; s === undefined && i < 5_000; i++) {
      clock.advance(1);
      s = driver.sample();
    }
    if (s === undefined) {
      cells.push("no reading");
      continue;
    }
    cells.push(s.illuminance === null ? "saturated" : `${pct(s.illuminance / lux - 1)}${s.irRich ? " (ir_rich)" : ""}`);
    driver.close();
  }
  console.log(`| ${source} | ${cells.join(" | ")} |`);
}
