// A scripted ECMA-419 TCP socket for client unit tests: the test opens it, feeds it bytes
// and fails it; everything the client writes is recorded and decodable.
import type { ByteSocket, ByteSocketOptions, SocketFactory } from "../../src/platform.js";
import { PacketDecoder, encode, type Packet } from "../../host-sim/broker-codec/index.js";

/** As Moddable's TCP: keeps the `target` option and calls every callback with itself as `this`. */
export class FakeSocket implements ByteSocket {
  readonly options: ByteSocketOptions<unknown>;
  readonly target: unknown;
  readonly written: Uint8Array[] = [];
  closed = false;
  /** Free send space reported to the client; write() beyond it throws like lwIP's "would block". */
  space = 1 << 16;
  /** When true, writes use up `space` until the test calls writable(n). */
  finite = false;
  #inbox: Uint8Array[] = [];

  constructor(options: ByteSocketOptions<unknown>) {
    this.options = options;
    this.target = options.target;
  }

  read(): ArrayBuffer | undefined {
    const chunk = this.#inbox.shift();
    if (chunk === undefined) return undefined;
    return chunk.slice().buffer;
  }

  write(data: Uint8Array): number {
    if (this.closed) throw new Error("closed");
    if (data.length > this.space) throw new Error("would block");
    this.written.push(data.slice());
    if (this.finite) this.space -= data.length;
    return this.space;
  }

  close(): void {
    this.closed = true;
  }

  /** TCP connected: the first onWritable. */
  open(): void {
    this.options.onWritable.call(this, this.space);
  }

  /** Send space freed: ECMA-419 onWritable(count). */
  writable(count: number): void {
    this.space = count;
    this.options.onWritable.call(this, count);
  }

  /** Bytes from the broker. */
  feed(bytes: Uint8Array | Packet): void {
    this.#inbox.push(bytes instanceof Uint8Array ? bytes : encode(bytes));
    this.options.onReadable.call(
      this,
      this.#inbox.reduce((n, c) => n + c.length, 0),
    );
  }

  fail(message = "connection reset"): void {
    this.closed = true;
    this.options.onError.call(this, message);
  }

  /** Every packet the client wrote so far, decoded. */
  packets(): Packet[] {
    const d = new PacketDecoder();
    const out: Packet[] = [];
    for (const w of this.written) {
      d.push(w);
      for (let p = d.next(); p; p = d.next()) out.push(p);
    }
    return out;
  }
}

/** A SocketFactory that records every socket it makes. */
export function fakeNetwork(): { factory: SocketFactory; sockets: FakeSocket[]; last(): FakeSocket } {
  const sockets: FakeSocket[] = [];
  return {
    sockets,
    factory: (options) => {
      const s = new FakeSocket(options);
      sockets.push(s);
      return s;
    },
    last: () => {
      const s = sockets.at(-1);
      if (s === undefined) throw new Error("no socket was opened");
      return s;
    },
  };
}

export function memoryLog(): { lines: string[]; info(m: string): void; warn(m: string): void; error(m: string): void } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
}
