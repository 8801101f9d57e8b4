// ECMA-419 `embedded:io/socket/tcp` on the simulated board: real host sockets.
import type { ByteSocketOptions } from "../../src/platform.js";
import { currentBoard, onThisBoard } from "../registry.js";

export default class TCP {
  readonly #socket: ReturnType<ReturnType<typeof currentBoard>["openTcp"]>;

  constructor(options: ByteSocketOptions & { nodelay?: boolean }) {
    this.#socket = currentBoard().openTcp({
      address: options.address,
      port: options.port,
      onReadable: onThisBoard((count: number) => options.onReadable.call(this, count)),
      onWritable: onThisBoard((count: number) => options.onWritable.call(this, count)),
      onError: onThisBoard((message?: string) => options.onError.call(this, message)),
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
