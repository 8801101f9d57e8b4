// Moddable classic `wifi` on the simulated board: a station on the board's access point
// (host-sim/parts/access-point.ts) that reports "connect", "gotIP", "lostIP", "disconnect".
import { currentBoard, onThisBoard } from "../registry.js";

export default class WiFi {
  readonly #station: { close(): void };

  constructor(options: { ssid: string; password?: string }, callback: (message: string) => void) {
    const report = onThisBoard((message: string) => callback.call(this, message));
    this.#station = currentBoard().wifi.station(options, report);
  }

  close(): void {
    this.#station.close();
  }

  static connect(options?: { ssid: string; password?: string }): void {
    currentBoard().wifi.connect(options);
  }
}
