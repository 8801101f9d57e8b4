// TLS sockets on the ESP32: Moddable's ECMA-419 TLS socket (examples/io/tcp/tlssocket,
// included by manifest.json for esp32) over the lwIP TCP socket. The CA certificate is a
// DER resource built into the image (manifest `resources`); "" uses the TLS module's roots.
import TCP from "embedded:io/socket/tcp";
import TLSSocket from "embedded:io/socket/tcp/tls";
import Resource from "Resource";
import type { SocketFactory } from "../platform.js";

export default function tlsSocket(host: string, ca: string): SocketFactory {
  const secure = ca === "" ? {} : { certificate: new Resource(ca) };
  return (options) =>
    new TLSSocket({
      TCP: { io: TCP },
      address: options.address,
      port: options.port,
      host,
      secure,
      onReadable: options.onReadable,
      onWritable: options.onWritable,
      onError: options.onError,
    });
}
