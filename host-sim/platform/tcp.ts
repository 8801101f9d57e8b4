// ECMA-419 `embedded:io/socket/tcp` on the simulated board: real host sockets.
import type { ByteSocket, ByteSocketOptions, SocketThis } from "../../src/platform.js";
import { currentBoard, onThisBoard } from "../registry.js";

export default class TCP<T> {
  /** The `target` option, kept as Moddable's constructor keeps it (modules/io/common/builtinCommon.c). */
  readonly target: T;
  readonly #socket: ByteSocket;

  constructor(options: ByteSocketOptions<T> & { nodelay?: boolean }) {
    this.target = options.target;
    // Called with `this` = this socket, as modules/io/socket/lwip/tcp.c calls them.
    this.#socket = currentBoard().openTcp({
      address: options.address,
      port: options.port,
      target: this,
      onReadable: onThisBoard(function (this: SocketThis<TCP<T>>, count: number) {
        options.onReadable.call(this.target, count);
      }),
      onWritable: onThisBoard(function (this: SocketThis<TCP<T>>, count: number) {
        options.onWritable.call(this.target, count);
      }),
      onError: onThisBoard(function (this: SocketThis<TCP<T>>, message?: string) {
        options.onError.call(this.target, message);
      }),
    });
  }

  read(): ArrayBuffer | undefined {
    return this.#socket.read();
  }

  write(data: Uint8Array): number {
    return this.#socket.write(data);
  }

  close(): void {
    this.#socket.close();
  }
}
