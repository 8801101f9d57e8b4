// luxflow's `tls-socket` module inside XS (src/board/tls-*.ts on the devices): a socket
// factory whose sockets are the board's TLS sockets (Board.tlsSocket on the Node side), with
// the same callbacks (`this` = the socket, holding `target`) and read/write/close as the TCP shim.
import TCP from "./tcp.xs.js";

interface FactoryOptions {
  address: string;
  port: number;
  target: unknown;
  onReadable(this: TCP, count: number): void;
  onWritable(this: TCP, count: number): void;
  onError(this: TCP, message?: string): void;
}

export default function tlsSocket(host: string, ca: string): (options: FactoryOptions) => TCP {
  return (options) => new TCP({ ...options, tls: { host, ca } });
}
