// luxflow's `tls-socket` module on the simulated board: Node TLS, trusting the PEM (or
// DER) file named by mqtt_ca, or Node's built-in roots when it is "".
import type { SocketFactory } from "../../src/platform.js";
import { currentBoard } from "../registry.js";

export default function tlsSocket(host: string, ca: string): SocketFactory {
  return currentBoard().tlsSocket(host, ca);
}
