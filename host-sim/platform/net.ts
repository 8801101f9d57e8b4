// Moddable `net` on the simulated board: Net.get and Net.resolve (IPv4).
import { currentBoard, onThisBoard } from "../registry.js";

const Net = Object.freeze({
  get(property: string): string | number | undefined {
    const board = currentBoard();
    if (property === "IP") return board.wifi.joined ? "127.0.0.1" : undefined;
    if (property === "SSID") return board.wifi.joined ? board.wifi.ssid : undefined;
    if (property === "RSSI") return board.wifi.joined ? -55 : undefined;
    return undefined;
  },
  resolve(host: string, callback: (name: string, address: string | undefined) => void): void {
    currentBoard().resolve(
      host,
      onThisBoard((address: string | undefined) => callback(host, address)),
    );
  },
});

export default Net;
