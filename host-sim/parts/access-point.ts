// The simulated board's Wi-Fi: one access point the board's station can join. It speaks
// the callback messages of Moddable's classic `wifi` module ("connect", "gotIP", "lostIP",
// "disconnect"), takes time to join, refuses a wrong ssid or password the way a station
// sees it (a "disconnect" after the attempt), and can drop and restore the link on command.
import type { TimerHandle } from "../../src/platform.js";
import type { BoardClock } from "../clock.js";

export interface AccessPointOptions {
  ssid: string;
  password: string;
  clock: BoardClock;
  /** Time to associate and get an address. */
  joinMs?: number;
  /** Time a failing attempt takes before "disconnect" (authentication timeout). */
  failMs?: number;
}

type Callback = (message: string) => void;

interface Station {
  ssid: string;
  password: string;
  callback: Callback;
  joined: boolean;
  pending: TimerHandle | undefined;
}

export class SimAccessPoint {
  readonly ssid: string;
  #password: string;
  #up = true;
  #station: Station | undefined;
  readonly #clock: BoardClock;
  readonly #joinMs: number;
  readonly #failMs: number;
  /** Join attempts seen, for tests of retry behaviour. */
  attempts = 0;

  constructor(options: AccessPointOptions) {
    this.ssid = options.ssid;
    this.#password = options.password;
    this.#clock = options.clock;
    this.#joinMs = options.joinMs ?? 20;
    this.#failMs = options.failMs ?? 2000;
  }

  get up(): boolean {
    return this.#up;
  }

  get joined(): boolean {
    return this.#station?.joined ?? false;
  }

  /** `new WiFi(options, callback)`: start joining. */
  station(options: { ssid: string; password?: string }, callback: Callback): { close(): void } {
    this.#station = {
      ssid: options.ssid,
      password: options.password ?? "",
      callback,
      joined: false,
      pending: undefined,
    };
    this.#attempt();
    const station = this.#station;
    return {
      close: () => {
        this.#clock.clear(station.pending);
        if (this.#station === station) this.#station = undefined;
      },
    };
  }

  /** `WiFi.connect(options)`: try again, optionally with new credentials. */
  connect(options?: { ssid: string; password?: string }): void {
    const station = this.#station;
    if (station === undefined || station.joined) return;
    if (options !== undefined) {
      station.ssid = options.ssid;
      station.password = options.password ?? "";
    }
    this.#attempt();
  }

  /** The access point goes away: a joined station loses its address and association. */
  drop(): void {
    this.#up = false;
    const station = this.#station;
    if (station?.joined) {
      station.joined = false;
      station.callback("lostIP");
      station.callback("disconnect");
    }
  }

  /** The access point is back: a station that is trying joins on its next attempt. */
  restore(): void {
    this.#up = true;
    if (this.#station !== undefined && !this.#station.joined) this.#attempt();
  }

  #attempt(): void {
    const station = this.#station;
    if (station === undefined) return;
    this.#clock.clear(station.pending);
    this.attempts++;
    const accepted = this.#up && station.ssid === this.ssid && station.password === this.#password;
    station.pending = this.#clock.set(
      () => {
        station.pending = undefined;
        if (this.#station !== station) return;
        if (accepted && this.#up) {
          station.joined = true;
          station.callback("connect");
          station.callback("gotIP");
        } else {
          station.callback("disconnect");
        }
      },
      accepted ? this.#joinMs : this.#failMs,
    );
  }
}
