// ECMA-419 `embedded:io/socket/tcp` inside XS: the socket is one of the board's real host
// sockets (Board.openTcp, with lwIP's semantics); its callbacks arrive as board events and
// are called with `this` set to the socket, which keeps the `target` option, as on the device
// (modules/io/socket/lwip/tcp.c, builtinInitializeTarget in modules/io/common/builtinCommon.c).
import { call, onEvent, toArray, toBuffer } from "./host.js";

interface Options {
  address: string;
  port: number;
  nodelay?: boolean;
  /** luxflow's `tls-socket` (shims/tls-socket.xs.ts): the board's TLS to this host, trusting `ca`. */
  tls?: { host: string; ca: string };
  target?: unknown;
  onReadable?(this: TCP, bytes: number): void;
  onWritable?(this: TCP, bytes: number): void;
  onError?(this: TCP, message?: string): void;
}

const sockets = new Map<number, TCP>();
let nextId = 1;

onEvent("tcp", (event) => {
  const socket = sockets.get(event.id as number);
  if (socket === undefined) return;
  socket.deliver(event.what as string, event.value);
});

export default class TCP {
  readonly target: unknown;
  readonly #id: number;
  readonly #options: Options;

  constructor(options: Options) {
    this.target = options.target;
    this.#id = nextId++;
    this.#options = options;
    sockets.set(this.#id, this);
    try {
      call({
        op: "tcp.new",
        id: this.#id,
        address: options.address,
        port: options.port,
        nodelay: options.nodelay ?? false,
        tls: options.tls ?? null,
      });
    } catch (error) {
      sockets.delete(this.#id);
      throw error;
    }
  }

  /** Board event for this socket (called by the bridge, not by firmware). */
  deliver(what: string, value: unknown): void {
    const options = this.#options;
    if (what === "readable") options.onReadable?.call(this, value as number);
    else if (what === "writable") options.onWritable?.call(this, value as number);
    else {
      sockets.delete(this.#id);
      options.onError?.call(this, value as string | undefined);
    }
  }

  read(): ArrayBuffer | undefined {
    const bytes = call({ op: "tcp.read", id: this.#id }) as number[] | null;
    return bytes === null ? undefined : toBuffer(bytes);
  }

  write(buffer: ArrayBufferLike | ArrayBufferView): number {
    return call({ op: "tcp.write", id: this.#id, data: toArray(buffer) }) as number;
  }

  close(): void {
    sockets.delete(this.#id);
    call({ op: "tcp.close", id: this.#id });
  }
}
