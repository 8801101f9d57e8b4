// Auto-range convergence and accuracy of the TSL2591 driver on the simulated chip, compared
// with a peer measured in the same run: ESPHome's gain-only auto-gain (esphome/components/tsl2591/tsl2591.cpp,
// automatic_gain_update) at
// its fixed 100 ms. Counts integration cycles of the chip model (deterministic, virtual time),
// under the white LED source; errors are against the scene's true illuminance (V(λ)), so they
// include each formula's spectral error for that source (bench/lux-accuracy.ts has them all).
// Run: npm run build && node --import ./build/host-sim/loader/register.js build/bench/tsl2591-autorange.js
import { VirtualClock } from "../host-sim/clock.js";
import { I2CBus } from "../host-sim/io/i2c.js";
import { smbusClass } from "../host-sim/io/i2c-smbus.js";
import { Tsl2591Model } from "../host-sim/chips/tsl2591.js";
import TSL2591 from "../drivers/tsl2591/tsl2591.js";
import { adafruit } from "./lux-formulas.js";

interface Reading {
  lux: number | null;
  cycles: number;
  ms: number;
}
interface Subject {
  settle(): void;
  next(lux: number): Reading;
}

function rig(lux: number) {
  const clock = new VirtualClock(0);
  const bus = new I2CBus();
  const light = { lux, source: "led" as const };
  const model = new Tsl2591Model({ clock, scene: () => light });
  bus.attach(0x29, model);
  return { clock, bus, model, light, io: smbusClass(bus) };
}

function ours(start: number): Subject {
  const r = rig(start);
  const driver = new TSL2591({ sensor: { io: r.io, data: 1, clock: 2 } });
  const poll = (): Reading => {
    const before = r.model.cycles;
    const t0 = r.clock.now();
    for (let i = 0; i < 10_000; i++) {
      const s = driver.sample();
      if (s !== undefined) return { lux: s.illuminance, cycles: r.model.cycles - before, ms: r.clock.now() - t0 };
      r.clock.advance(1);
    }
    throw new Error("no reading");
  };
  return {
    settle: () => {
      poll();
    },
    next: (lux) => {
      r.light.lux = lux;
      return poll();
    },
  };
}

/** ESPHome automatic_gain_update at 100 ms: a reading counts once the gain stops changing. */
function esphome(start: number): Subject {
  const r = rig(start);
  const io = new r.io({ data: 1, clock: 2, hz: 400_000, address: 0x29 });
  const gains = [1, 25, 400, 9500];
  let again = 1;
  const enable = (): void => {
    io.writeUint8(0xa0, 0x01);
    io.writeUint8(0xa1, again << 4);
    io.writeUint8(0xa0, 0x03);
  };
  enable();
  const rule = (ch0: number): number => {
    const high = 31_000; // 62000 / 2 at 100 ms
    if (again === 0) return ch0 < 54 ? 2 : ch0 < 875 ? 1 : 0;
    if (again === 1) return ch0 < 57 ? 3 : ch0 < 1365 ? 2 : ch0 > high ? 0 : 1;
    if (again === 2) return ch0 < 920 ? 3 : ch0 > high ? 0 : 2;
    return ch0 > high ? 1 : 3;
  };
  const poll = (): Reading => {
    const before = r.model.cycles;
    for (let cycle = 0; cycle < 20; cycle++) {
      r.clock.advance(100);
      const ch0 = io.readUint16(0xb4);
      const ch1 = io.readUint16(0xb6);
      const next = rule(ch0);
      const saturated = ch0 >= 36863 || ch1 >= 36863; // ESPHome: NaN at full scale
      if (next === again)
        return {
          lux: saturated ? null : adafruit(ch0, ch1, gains[again]!, 100, 408.1),
          cycles: r.model.cycles - before,
          ms: (cycle + 1) * 100,
        };
      again = next;
      enable();
    }
    return { lux: null, cycles: r.model.cycles - before, ms: 2_000 };
  };
  return {
    settle: () => {
      poll();
    },
    next: (lux) => {
      r.light.lux = lux;
      return poll();
    },
  };
}

const levels = [0.01, 1, 250, 10_000, 80_000];
const rows: string[] = [];
const worst = { ours: 0, esphome: 0 };
const worstMs = { ours: 0, esphome: 0 };
const errors = { ours: 0, esphome: 0 };
for (const from of levels) {
  for (const to of levels) {
    if (from === to) continue;
    const cells: string[] = [];
    for (const [name, make] of [
      ["ours", ours],
      ["esphome", esphome],
    ] as const) {
      const subject = make(from);
      subject.settle();
      const reading = subject.next(to);
      worst[name] = Math.max(worst[name], reading.cycles);
      worstMs[name] = Math.max(worstMs[name], reading.ms);
      const error = reading.lux === null ? NaN : Math.abs(reading.lux - to) / to;
      if (!(error <= 0.05)) errors[name]++;
      cells.push(
        `${reading.cycles} cyc ${String(reading.ms).padStart(4)} ms, ${reading.lux === null ? "no value" : `${(error * 100).toFixed(2)} %`}`.padEnd(
          26,
        ),
      );
    }
    rows.push(`${String(from).padStart(6)} → ${String(to).padEnd(6)} lux | ${cells.join(" | ")}`);
  }
}
console.log("transition (white LED) | luxflow (gain + time)      | ESPHome (gain only, 100 ms)");
for (const row of rows) console.log(row);
console.log(
  `worst case cycles: luxflow ${worst.ours}, ESPHome ${worst.esphome} (ratio ${(worst.esphome / worst.ours).toFixed(2)}x)`,
);
console.log(
  `worst case time: luxflow ${worstMs.ours} ms, ESPHome ${worstMs.esphome} ms (ratio ${(worstMs.esphome / worstMs.ours).toFixed(2)}x)`,
);
console.log(
  `transitions ending outside 5 % of the truth: luxflow ${errors.ours} of ${rows.length}, ESPHome ${errors.esphome} of ${rows.length}`,
);

// Accuracy by range: settled readings of the driver against the scene, white LED.
console.log("\nscene lux | luxflow reading (range, counts)                 | error");
for (const lux of [0.001, 0.005, 0.01, 0.1, 1, 10, 100, 1_000, 10_000, 40_000, 80_000, 95_000, 120_000]) {
  const r = rig(lux);
  const driver = new TSL2591({ sensor: { io: r.io, data: 1, clock: 2 } });
  let s = driver.sample();
  for (let i = 0; s === undefined && i < 5_000; i++) {
    r.clock.advance(1);
    s = driver.sample();
  }
  if (s === undefined) throw new Error(`no reading at ${lux} lux`);
  const shown = s.illuminance === null ? `saturated (≥ ${s.lowerBound?.toFixed(0)})` : s.illuminance.toPrecision(6);
  const error = s.illuminance === null ? "no value" : `${((Math.abs(s.illuminance - lux) / lux) * 100).toFixed(3)} %`;
  console.log(
    `${String(lux).padStart(9)} | ${`${shown} (${s.gain} ${s.integration} ms, ${s.full}/${s.ir})`.padEnd(48)} | ${error}`,
  );
}
