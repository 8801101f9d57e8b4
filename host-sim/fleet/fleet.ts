// A fleet of simulated boards in one process: each is its own Board (clock, I2C bus with a
// TSL2591 model, Wi-Fi access point, sockets) booting the unmodified firmware through its
// own entry, src/main.ts (Board.boot), with its own sensor id, client id and light scene.
// For load-testing a backend (npm run fleet) and for bench/fleet.ts.
import type { App } from "../../src/app.js";
import { Board } from "../board.js";
import type { BoardClock } from "../clock.js";

export interface FleetOptions {
  readonly devices: number;
  /** Firmware keys every board gets (mc/config), before the per-board ones. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Simulator keys every board gets; sim_lux and sim_seed default per board. */
  readonly sim: Readonly<Record<string, string>>;
  /** Board i (from 1) is `<idPrefix><i>`. */
  readonly idPrefix: string;
  /** Boards start evenly over this many ms, so their sampling phases spread out. */
  readonly spreadMs: number;
  /** A board's log line (with its trailing newline). */
  readonly trace: (id: string, text: string) => void;
  /** The clock of board i (default: a RealClock of its own). */
  readonly clock?: (index: number) => BoardClock;
  /** Called right after board `index` has started its app. */
  readonly started?: (member: FleetMember, index: number) => void;
}

export interface FleetMember {
  readonly id: string;
  readonly board: Board;
  /** The app of the board's latest boot: undefined until it has booted, or when its configuration was refused. */
  readonly app: App | undefined;
}

/** Lux of board i of n when no sim_lux is given: 10 to 10,000 lux, evenly on a log scale. */
export function fleetLux(index: number, n: number): number {
  const k = n <= 1 ? 0 : (index - 1) / (n - 1);
  return Math.round(10 * Math.pow(1000, k) * 100) / 100;
}

export class Fleet {
  readonly members: FleetMember[] = [];
  readonly #timers: NodeJS.Timeout[] = [];
  #stopped = false;

  constructor(private readonly options: FleetOptions) {
    const { devices, config, sim, idPrefix } = options;
    if (!Number.isInteger(devices) || devices < 1)
      throw new RangeError(`devices must be a whole number from 1 (got ${devices})`);
    const clientId = config.mqtt_client_id;
    for (let i = 1; i <= devices; i++) {
      const id = `${idPrefix}${i}`;
      const boardConfig = {
        ...config,
        sensor_id: id,
        mqtt_client_id: clientId === undefined ? id : `${String(clientId)}-${i}`,
      };
      const boardSim: Record<string, string> = { sim_lux: String(fleetLux(i, devices)), sim_seed: String(i), ...sim };
      if (sim.sim_seed !== undefined) boardSim.sim_seed = String(Number(sim.sim_seed) + i - 1);
      // Each board has its own flash: sim_flash=<file> becomes <file>-<id>.
      if (sim.sim_flash !== undefined && sim.sim_flash !== "") boardSim.sim_flash = `${sim.sim_flash}-${id}`;
      const board = new Board({
        config: boardConfig,
        sim: boardSim,
        trace: (text) => options.trace(id, text),
        ...(options.clock ? { clock: options.clock(i) } : {}),
      });
      this.members.push({
        id,
        board,
        get app() {
          return board.app;
        },
      });
    }
  }

  /** Starts every board, spread over spreadMs; resolves when the last has started. */
  start(): Promise<void> {
    const n = this.members.length;
    return new Promise((resolve) => {
      this.members.forEach((member, k) => {
        const timer = setTimeout(
          async () => {
            if (this.#stopped) return;
            await member.board.boot();
            this.options.started?.(member, k + 1);
            if (k === n - 1) resolve();
          },
          (this.options.spreadMs * k) / n,
        );
        this.#timers.push(timer);
      });
    });
  }

  get connected(): number {
    let c = 0;
    for (const m of this.members) if (m.app?.connection.connected) c++;
    return c;
  }

  get published(): number {
    let p = 0;
    for (const m of this.members) p += m.app?.stats.published ?? 0;
    return p;
  }

  /** Powers every board off: the apps stop, then sockets and timers go. */
  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    for (const m of this.members) {
      m.board.run(() => m.app?.stop());
      m.board.shutdown();
    }
  }
}
