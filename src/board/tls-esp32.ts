// TLS sockets on the ESP32: Moddable's ECMA-419 TLS socket (examples/io/tcp/tlssocket,
// included by manifest.json for esp32) over the lwIP TCP socket. The CA certificate is a
// DER resource built into the image (manifest `resources`); "" uses the TLS module's roots.
import TCP from "embedded:io/socket/tcp";
import TLSSocket, { type Options } from "embedded:io/socket/tcp/tls";
import Resource from "Resource";
import type { ByteSocket, ByteSocketOptions, SocketFactory, SocketThis } from "../platform.js";

// typings/embedded_io/socket/tls.d.ts (SDK 8.2.3) lacks the `TCP` option that
// examples/io/tcp/tlssocket/tlssocket.js reads (the socket class it runs over), and types
// read() as needing a count; the runtime's read() with none returns every buffered byte, and
// write() returns the free space, as the ByteSocket the MQTT transport is written for.
type TLSOptions = Options & { TCP: { io: typeof TCP } };

export default function tlsSocket(host: string, ca: string): SocketFactory {
  const secure = ca === "" ? {} : { certificate: new Resource(ca) };
  return <T>(options: ByteSocketOptions<T>) => {
    // tlssocket.js keeps no `target` and calls the callbacks on an object of its own, so
    // they are wrapped: closures per connection, which the ESP32's heap has room for.
    const self: SocketThis<T> = { target: options.target };
    const settings: TLSOptions = {
      TCP: { io: TCP },
      address: options.address,
      port: options.port,
      host,
      secure,
      onReadable: (count) => options.onReadable.call(self, count),
      onWritable: (count) => options.onWritable.call(self, count),
      onError: () => options.onError.call(self),
    };
    return new TLSSocket(settings) as unknown as ByteSocket;
  };
}
