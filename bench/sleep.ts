// `npm run bench:sleep`: sleep_mode=deep as the firmware runs it, on XS, on the simulated board
// against a real broker (aedes). Measured: awake time per wake from the firmware's own
// timeline (its "sleep: …; awake N ms" line), and flash writes per wake (the simulated
// flash's counter), with the broker up and with the broker down. Modelled (bench/sleep-model.ts,
// currents from the datasheets): charge per reading and battery life of a 2,000 mAh cell at
// 1, 5 and 15 minute periods, beside always-on operation; flash wear of the worst case (broker
// never reachable, the journal full and turning over) at a 5-minute period.
import { startAedes } from "../host-sim/faults/brokers.js";
import { Esp32NvsWear, Esp8266PreferenceWear, enduranceYears } from "../host-sim/parts/flash-wear.js";
import { SimFlash } from "../host-sim/parts/flash.js";
import { bundleForXs, type XsBundle } from "../host-sim/xs/bundle.js";
import { startFirmware } from "../host-sim/xs/engines.js";
import { parseConfig } from "../src/config.js";
import { Journal } from "../src/journal.js";
import type { Reading } from "../src/payload.js";
import {
  CHIPS,
  CELL_MAH,
  WIFI_JOIN_MS,
  BOOT_MS,
  RADIO_TX_SHARE,
  alwaysOnCharge,
  batteryDays,
  deepSleepCharge,
  radioMa,
} from "./sleep-model.js";
import { sleepingBoard } from "../host-sim/sleeping-board.js";

/** Assumption: radio time of one publish and its PUBACK when always on (already associated). */
const ALWAYS_ON_PUBLISH_MS = 20;
/** Supply voltage for the energy figure (both chips run at 3.3 V). */
const VOLTS = 3.3;
/** Typical SPI NOR endurance (e.g. Winbond W25Q32JV datasheet: 100,000 program/erase cycles). */
const FLASH_CYCLES = 100_000;

interface Wakes {
  readonly awake: number[];
  readonly flash: number[];
}

async function wakes(bundle: XsBundle, count: number, brokerUp: boolean): Promise<Wakes> {
  const broker = await startAedes();
  if (!brokerUp) await broker.kill();
  const { board, lines, finished } = sleepingBoard(
    ["sample_interval=300", "payload_format=json", "mqtt_clean=0"],
    broker.port,
    count,
  );
  const firmware = await startFirmware("xs", board, { bundle });
  await finished;
  await firmware.stop();
  await broker.close();
  const awake = lines.flatMap((l) => /luxflow info: sleep: .*; awake (\d+) ms/.exec(l)?.[1] ?? []).map(Number);
  const flash = board.sleepLog.map((s, i) => s.flashWrites - (i === 0 ? 0 : board.sleepLog[i - 1]!.flashWrites));
  return { awake, flash };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** A year of wakes with the broker never reachable, as src/journal.ts writes them (one append per wake). */
function worstCaseWear(): { esp: number; nvs: number; writesPerWake: number } {
  const flash = new SimFlash();
  const esp = new Esp8266PreferenceWear();
  const nvs = new Esp32NvsWear();
  flash.onWrite = (d, k, v) => {
    esp.write(d, k, v);
    nvs.write(d, k, v);
  };
  const max = parseConfig({ mqtt_host: "h" }).queuePersistMax;
  const journal = new Journal(flash, max);
  const wakesPerYear = 288 * 365;
  const start = 1_796_000_000;
  for (let i = 1; i <= wakesPerYear; i++) {
    const reading: Reading = {
      sensorId: "lux-1",
      seq: i,
      boot: 1,
      timestamp: start + i * 300,
      timeSource: "sntp",
      value: 250.0576,
      raw: { full: 2394, ir: 479, gain: "medium", integration: 100, saturated: false, calibration: 408.1 },
    };
    journal.append(reading);
  }
  return { esp: esp.sectorErases, nvs: nvs.sectorErases, writesPerWake: flash.writes / wakesPerYear };
}

const pad = (text: string | number, width: number) => String(text).padStart(width);

async function main(): Promise<void> {
  const bundle = await bundleForXs();
  const up = await wakes(bundle, 20, true);
  const down = await wakes(bundle, 3, false);
  const upMs = median(up.awake.slice(1));
  const downMs = median(down.awake);
  process.stdout.write(`deep sleep on XS, simulated board, aedes broker (sample_interval=300, awake_max=10 default)\n`);
  process.stdout.write(
    `  awake per wake, broker up:   median ${upMs} ms, min ${Math.min(...up.awake)} ms, max ${Math.max(...up.awake)} ms over ${up.awake.length} wakes\n`,
  );
  process.stdout.write(
    `  awake per wake, broker down: median ${downMs} ms over ${down.awake.length} wakes (awake_max)\n`,
  );
  process.stdout.write(
    `  flash writes per wake, broker up:   ${up.flash.join(",")} (the first is the power-on boot counter)\n`,
  );
  process.stdout.write(
    `  flash writes per wake, broker down: ${down.flash.join(",")} (one journal record and its count)\n\n`,
  );

  process.stdout.write(
    `model: radio ${(1 - RADIO_TX_SHARE) * 100} % Rx / ${RADIO_TX_SHARE * 100} % Tx; +${WIFI_JOIN_MS} ms Wi-Fi join and +${BOOT_MS} ms boot per wake (assumptions); ${CELL_MAH} mAh, no self-discharge or regulator\n`,
  );
  for (const chip of CHIPS) {
    process.stdout.write(
      `${chip.name} (radio ${radioMa(chip).toFixed(1)} mA, deep sleep ${chip.deepSleepMa * 1000} µA, modem sleep ${chip.modemSleepMa} mA)\n`,
    );
    process.stdout.write(
      `  period  deep: mA·s (mJ at ${VOLTS} V)/reading  battery (days)  | broker down: mA·s  days | always on: mA·s  days | deep/always-on\n`,
    );
    for (const minutes of [1, 5, 15]) {
      const period = minutes * 60;
      const deep = deepSleepCharge(chip, upMs, period);
      const outage = deepSleepCharge(chip, downMs, period);
      const on = alwaysOnCharge(chip, ALWAYS_ON_PUBLISH_MS, period);
      const deepDays = batteryDays(deep, period);
      const onDays = batteryDays(on, period);
      process.stdout.write(
        `  ${pad(minutes, 3)} min ${pad(`${deep.toFixed(1)} (${(deep * VOLTS).toFixed(0)})`, 33)} ${pad(deepDays.toFixed(0), 15)}  | ${pad(outage.toFixed(0), 17)} ${pad(batteryDays(outage, period).toFixed(0), 5)} | ${pad(on.toFixed(0), 15)} ${pad(onDays.toFixed(1), 5)} | ${pad((deepDays / onDays).toFixed(1), 8)}x\n`,
      );
    }
  }

  const wear = worstCaseWear();
  process.stdout.write(
    `\nflash wear, worst case (broker never reachable, journal of ${parseConfig({ mqtt_host: "h" }).queuePersistMax} full), 5-minute period, ${FLASH_CYCLES} erase cycles per sector:\n`,
  );
  process.stdout.write(`  ${wear.writesPerWake.toFixed(2)} preference writes per wake\n`);
  process.stdout.write(
    `  ESP8266 preference (2 x 4 KB sectors): ${wear.esp.toFixed(0)} erases of the busier sector per year -> ${enduranceYears(FLASH_CYCLES, wear.esp / 365.25).toFixed(0)} years\n`,
  );
  process.stdout.write(
    `  ESP32 NVS (6 x 4 KB pages):            ${wear.nvs.toFixed(0)} erases per page per year -> ${enduranceYears(FLASH_CYCLES, wear.nvs / 365.25).toFixed(0)} years\n`,
  );
  process.stdout.write(
    `  broker up: ${up.flash.slice(1).every((n) => n === 0) ? "0 writes per wake: no wear" : `writes per wake ${up.flash.join(",")}`}\n`,
  );
}

await main();
process.exit(0);
