// Moddable SDK `net` (documentation/network/network.md § Net), as typings/net.d.ts declares
// the members the firmware uses: one overload per property, and an optional address.
declare module "net" {
  const Net: {
    get(what: "IP", mode?: "station" | "ap" | "ethernet"): string;
    get(what: "MAC", mode?: "station" | "ap" | "ethernet"): string;
    get(what: "SSID"): string;
    get(what: "BSSID"): string;
    get(what: "RSSI"): number;
    get(what: "DNS"): string[];
    resolve(name: string, callback: (name: string, address?: string) => void): void;
  };
  export { Net as default };
}
