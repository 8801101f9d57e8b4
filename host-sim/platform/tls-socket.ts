// luxflow's `tls-socket` module on the simulated board: Node TLS, trusting the PEM (or
// DER) file named by mqtt_ca, or Node's built-in roots when it is "".
import type { SocketFactory } from "../../src/platform.js";
import { currentBoard, onThisBoard } from "../registry.js";

export default function tlsSocket(host: string, ca: string): SocketFactory {
  const open = currentBoard().tlsSocket(host, ca);
  return (options) =>
    open({
      ...options,
      onReadable: onThisBoard(options.onReadable),
      onWritable: onThisBoard(options.onWritable),
      onError: onThisBoard(options.onError),
    });
}
