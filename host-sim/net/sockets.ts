// Node sockets behind the firmware's ByteSocket contract (src/platform.ts), with the
// semantics of Moddable's lwIP ECMA-419 TCP (modules/io/socket/lwip/tcp.c) that firmware
// depends on: dotted IPv4 only; the first onWritable means connected; write() before that
// throws "not ready", and throws "would block" when the send buffer cannot take the bytes,
// otherwise it returns the space left; read() returns every buffered byte or undefined;
// onError fires once, for a failure or a remote close; callbacks get `this` = the socket,
// which keeps the `target` option (modules/io/common/builtinCommon.c).
// tlsSocketFactory is the simulator's `mqtts` transport; a certificate that does not
// verify is reported as one clear line naming the cause.
import { Socket, connect as tcpConnect } from "node:net";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import type { ByteSocket, ByteSocketOptions, SocketFactory } from "../../src/platform.js";

/** Send buffer reported to the firmware: lwIP's TCP_SND_BUF in Moddable's ESP32 builds (4 × 1436). */
export const SEND_BUFFER = 5744;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function checkAddress(options: { address: string }): void {
  // ECMA-419 TCP on Moddable takes no host names: the firmware resolves them first.
  if (!IPV4.test(options.address)) throw new Error(`invalid address "${options.address}" (dotted IPv4 only)`);
}

const CERT_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
]);

function describe(error: Error & { code?: string }, where: string): string {
  if (error.code !== undefined && CERT_CODES.has(error.code)) {
    return `TLS certificate of ${where} does not verify (${error.code}: ${error.message}); check the CA certificate (mqtt_ca)`;
  }
  return error.message;
}

class NodeByteSocket<T> implements ByteSocket {
  /** The `target` option: the callbacks, called with `this` = this socket, reach it as `this.target`. */
  readonly target: T;
  readonly #socket: Socket;
  readonly #options: ByteSocketOptions<T>;
  #inbox: Buffer[] = [];
  #inboxBytes = 0;
  #done = false;
  #ready = false;

  constructor(socket: Socket, options: ByteSocketOptions<T>, connectEvent: "connect" | "secureConnect") {
    this.target = options.target;
    this.#socket = socket;
    this.#options = options;
    const where = `${options.address}:${options.port}`;
    socket.once(connectEvent, () => {
      this.#ready = true;
      if (!this.#done) options.onWritable.call(this, this.#space());
    });
    socket.on("drain", () => {
      if (!this.#done) options.onWritable.call(this, this.#space());
    });
    socket.on("data", (data: Buffer) => {
      if (this.#done) return;
      this.#inbox.push(data);
      this.#inboxBytes += data.length;
      options.onReadable.call(this, this.#inboxBytes);
    });
    socket.on("error", (e: Error) => this.#fail(describe(e, where)));
    socket.on("close", () => this.#fail("closed by the peer"));
  }

  #space(): number {
    return Math.max(0, SEND_BUFFER - this.#socket.writableLength);
  }

  #fail(message: string): void {
    if (this.#done) return;
    this.#done = true;
    this.#socket.destroy();
    this.#options.onError.call(this, message);
  }

  read(): ArrayBuffer | undefined {
    if (this.#inboxBytes === 0) return undefined;
    const all = this.#inbox.length === 1 ? this.#inbox[0]! : Buffer.concat(this.#inbox, this.#inboxBytes);
    this.#inbox = [];
    this.#inboxBytes = 0;
    const out = new ArrayBuffer(all.length);
    new Uint8Array(out).set(all);
    return out;
  }

  write(data: Uint8Array): number {
    if (this.#done) throw new Error("socket closed");
    if (!this.#ready) throw new Error("not ready");
    if (data.length > this.#space()) throw new Error("would block");
    // Copy: the firmware may change a queued packet (DUP bit) after handing it over.
    this.#socket.write(Buffer.from(data));
    return this.#space();
  }

  close(): void {
    if (this.#done) return;
    this.#done = true;
    this.#socket.destroy();
  }
}

/** Plain TCP over Node, for tools and tests that run the firmware's client outside the board. */
export function tcpSocketFactory(): SocketFactory {
  return (options) => {
    checkAddress(options);
    const socket = tcpConnect({ host: options.address, port: options.port, noDelay: true });
    return new NodeByteSocket(socket, options, "connect");
  };
}

export interface TlsOptions {
  /** PEM CA certificate(s) to trust; Node's default roots when omitted. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Name checked against the certificate (SNI); defaults to the address. */
  servername?: string;
}

/** TLS over Node (`mqtts`): the certificate must verify against `ca`, or the attempt fails with one line. */
export function tlsSocketFactory(tls: TlsOptions = {}): SocketFactory {
  return (options) => {
    checkAddress(options);
    const socket: TLSSocket = tlsConnect({
      host: options.address,
      port: options.port,
      rejectUnauthorized: true,
      ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
      ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
    });
    socket.setNoDelay(true);
    return new NodeByteSocket(socket, options, "secureConnect");
  };
}
