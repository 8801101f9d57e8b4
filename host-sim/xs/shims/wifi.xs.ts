// Moddable classic `wifi` inside XS: the station lives on the board's simulated access point;
// its messages ("connect", "gotIP", "lostIP", "disconnect") arrive as board events.
import { call, onEvent } from "./host.js";

type Callback = (message: string, value?: unknown) => void;

const stations = new Map<number, { self: WiFi; callback: Callback }>();
let nextId = 1;

onEvent("wifi", (event) => {
  const station = stations.get(event.id as number);
  station?.callback.call(station.self, event.message as string);
});

export default class WiFi {
  readonly #id: number;

  constructor(options: { ssid: string; password?: string; bssid?: string } | undefined, callback: Callback) {
    this.#id = nextId++;
    stations.set(this.#id, { self: this, callback });
    call({ op: "wifi.new", id: this.#id, options: options ?? null });
  }

  close(): void {
    if (stations.delete(this.#id)) call({ op: "wifi.close", id: this.#id });
  }

  static connect(options?: { ssid: string; password?: string }): void {
    call({ op: "wifi.connect", options: options ?? null });
  }

  static disconnect(): void {
    call({ op: "wifi.disconnect" });
  }

  static readonly Mode = Object.freeze({ none: 0, station: 1, accessPoint: 2 });
  static mode = 1;
}
