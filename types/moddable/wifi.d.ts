// Moddable SDK classic `wifi` module (modules/network/wifi, documentation/network/network.md § WiFi).
declare module "wifi" {
  export type WiFiMessage =
    | "connect" | "gotIP" | "lostIP" | "disconnect"
    | "station_connect" | "station_disconnect";
  export interface WiFiOptions { ssid: string; password?: string; bssid?: string }
  export default class WiFi {
    constructor(options: WiFiOptions | undefined, callback: (message: WiFiMessage, value?: unknown) => void);
    close(): void;
    static connect(options?: WiFiOptions): void;
    static disconnect(): void;
    static mode: number;
    static readonly Mode: { readonly none: number; readonly station: number; readonly accessPoint: number };
  }
}
