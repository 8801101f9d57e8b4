// Moddable SDK classic `wifi` (modules/network/wifi, documentation/network/network.md § WiFi),
// as typings/wifi.d.ts declares the members the firmware uses. The SDK's callback type takes
// the message only.
declare module "wifi" {
  export type WiFiOptions = { bssid?: ArrayBuffer; ssid: string; password?: string };
  export type WiFiMessage = "connect" | "gotIP" | "lostIP" | "disconnect" | "station_connect" | "station_disconnect";
  export type WiFiCallback = (message: WiFiMessage) => void;
  export type WiFiMode = -5 | 0 | 1 | 2 | 3;
  class WiFi {
    static readonly Mode: { off: -5; none: 0; station: 1; accessPoint: 2 };
    constructor(options?: WiFiOptions, callback?: WiFiCallback);
    close(): void;
    static mode: WiFiMode;
    static connect(options?: WiFiOptions): void;
    static disconnect(): void;
  }
  export { WiFi as default };
}
