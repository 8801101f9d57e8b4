// ECMA-419 TCP (`embedded:io/socket/tcp`) over a real Node socket, with the semantics of
// Moddable's lwIP implementation (modules/io/socket/lwip/tcp.c) that firmware depends on:
// dotted IPv4 only, the first onWritable means connected, write() before connecting throws
// "not ready", a write larger than the free send buffer throws "would block", read()
// returns every buffered byte or undefined, and onError fires once, for a failure or a
// remote close. Callbacks are called with `this` set to the socket, as on the device.
import { Socket } from "node:net";
import type { ByteSocket, ByteSocketOptions } from "../../src/platform.js";

/** lwIP's default TCP_SND_BUF on ESP32 builds (2 × TCP_MSS of 1436, rounded as in sdkconfig). */
export const SEND_BUFFER_BYTES = 5744;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export class HostTcpSocket implements ByteSocket {
  readonly #socket: Socket;
  readonly #options: ByteSocketOptions;
  readonly #received: Uint8Array[] = [];
  #connected = false;
  #closed = false;

  constructor(options: ByteSocketOptions, onClosed?: (socket: HostTcpSocket) => void) {
    if (!IPV4.test(options.address)) throw new Error(`invalid address "${options.address}" (dotted IPv4 only)`);
    this.#options = options;
    this.#socket = new Socket();
    this.#socket.setNoDelay(true);
    this.#socket.on("connect", () => {
      this.#connected = true;
      this.#options.onWritable.call(this, this.#free());
    });
    this.#socket.on("data", (chunk: Uint8Array) => {
      if (this.#closed) return;
      this.#received.push(new Uint8Array(chunk));
      this.#options.onReadable.call(this, this.#pending());
    });
    this.#socket.on("drain", () => {
      if (!this.#closed) this.#options.onWritable.call(this, this.#free());
    });
    const fail = (message: string) => {
      if (this.#closed) return;
      this.#closed = true;
      this.#socket.destroy();
      onClosed?.(this);
      this.#options.onError.call(this, message);
    };
    this.#socket.on("error", (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
    this.#socket.on("end", () => fail("closed by peer"));
    this.#socket.on("close", () => fail("closed"));
    this.#socket.connect({ host: options.address, port: options.port });
  }

  read(): ArrayBuffer | undefined {
    if (this.#received.length === 0) return undefined;
    const out = new Uint8Array(this.#pending());
    let offset = 0;
    for (const chunk of this.#received) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    this.#received.length = 0;
    return out.buffer;
  }

  write(data: Uint8Array): number {
    if (this.#closed) throw new Error("closed");
    if (!this.#connected) throw new Error("not ready");
    if (data.byteLength > this.#free()) throw new Error("would block");
    this.#socket.write(data.slice());
    return this.#free();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
  }

  #free(): number {
    return Math.max(0, SEND_BUFFER_BYTES - this.#socket.writableLength);
  }

  #pending(): number {
    let total = 0;
    for (const chunk of this.#received) total += chunk.length;
    return total;
  }
}
