// Boards without TLS (the ESP8266: a TLS handshake needs more memory than its 32 KB JS heap
// leaves; Moddable's securesocket notes ~4 KB stack, 10 KB chunk and 6 KB slots). Asking
// for mqtt_tls=1 there is a clear error at connect time, repeated on each attempt's log line.
import type { SocketFactory } from "../platform.js";

export default function tlsSocket(_host: string, _ca: string): SocketFactory {
  return () => {
    throw new Error(
      "mqtt_tls=1 is not available on this board (ESP8266: not enough memory for TLS); use mqtt_tls=0 or an ESP32",
    );
  };
}
