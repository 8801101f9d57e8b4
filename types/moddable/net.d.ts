// Moddable SDK `net` module (documentation/network/network.md § Net).
declare module "net" {
  type NetProperty = "IP" | "MAC" | "SSID" | "BSSID" | "RSSI" | "CHANNEL" | "DNS";
  const Net: {
    get(property: NetProperty, iface?: string): string | number | undefined;
    /** Resolves a host name to a dotted IPv4 address; `address` is undefined on failure. */
    resolve(host: string, callback: (name: string, address: string | undefined) => void): void;
  };
  export default Net;
}
