// One TCP connection in ECMA-419 terms: the first onWritable means connected; write() takes
// at most the free space it last reported (and throws when full), so outgoing bytes are split
// to fit and the rest waits for the next onWritable. One outbound path for every packet.
import type { ByteSocket, SocketFactory, SocketThis } from "../platform.js";

export interface TransportEvents {
  onOpen(): void;
  onData(chunk: Uint8Array): void;
  /** Socket failed or the peer closed it. Called at most once, never after close(). */
  onClose(reason: string): void;
  /** The backlog drained: more may be sent (only after a send was QUEUED: nothing else waits for it). */
  onDrain(): void;
}

/**
 * What send() did with a packet: nothing (the socket is closed), queued it (QUEUED, behind a backlog), or wrote it
 * (WRITTEN).
 */
export const CLOSED = 0,
  QUEUED = 1,
  WRITTEN = 2;

export class Transport {
  #socket: ByteSocket | undefined;
  #open = false;
  #closed = false;
  #space = 0;
  /** Made when the socket first cannot take a whole packet. */
  #backlog: Uint8Array[] | undefined;
  #backlogBytes = 0;
  readonly #events: TransportEvents;

  constructor(factory: SocketFactory, address: string, port: number, events: TransportEvents) {
    this.#events = events;
    // A factory that throws leaves no socket: the caller reports it, and this object is dropped.
    this.#socket = factory({
      address,
      port,
      target: this,
      onReadable,
      onWritable,
      onError,
    });
  }

  get open(): boolean {
    return this.#open && !this.#closed;
  }

  /** Bytes waiting for the socket to take them. */
  get backlog(): number {
    return this.#backlogBytes;
  }

  /** Sends bytes, or queues what the socket cannot take now: WRITTEN, QUEUED, or CLOSED (nothing done). */
  send(bytes: Uint8Array): number {
    const socket = this.#socket;
    if (socket === undefined) return CLOSED; // undefined once closed
    if (this.#backlogBytes === 0 && this.#space >= bytes.length) {
      // the common case: it all fits
      try {
        this.#space = socket.write(bytes);
        return this.#closed ? CLOSED : WRITTEN;
      } catch {
        this.#space = 0; // "would block": wait for onWritable
      }
    } else if (this.#backlogBytes === 0 && this.#open) {
      const rest = this.#write(bytes);
      if (rest === undefined) return this.#closed ? CLOSED : WRITTEN;
      bytes = rest;
    }
    // A copy: the bytes may be a view into the outbox's ring, whose slot is reused later.
    (this.#backlog ??= []).push(bytes.slice());
    this.#backlogBytes += bytes.length;
    return QUEUED;
  }

  /**
   * Writes one packet given as two pieces (a cached head and the caller's payload) when the
   * socket can take all of it now, so nothing is copied or kept. False, with nothing written,
   * when it cannot: the caller then sends a whole packet through send().
   */
  sendPair(head: Uint8Array, body: Uint8Array, total: number): boolean {
    // #space is 0 before the first onWritable and after close(): this test covers both.
    if (this.#backlogBytes !== 0 || this.#space < total) return false;
    const socket = this.#socket!;
    let space = -1; // what the socket reported after the head: -1 while it is not written
    try {
      // one handler for both writes: a try block costs XS more than a call
      space = socket.write(head);
      this.#space = socket.write(body);
      return true;
    } catch {
      this.#space = 0; // "would block": wait for onWritable
    }
    if (space < 0) return false;
    // The head is on the wire, so the body follows it (a copy: the caller's bytes may change).
    (this.#backlog ??= []).push(body.slice());
    this.#backlogBytes += total - head.length;
    return true;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#space = 0;
    this.#backlog = undefined;
    this.#backlogBytes = 0;
    const socket = this.#socket;
    this.#socket = undefined;
    try {
      socket?.close();
    } catch {
      // Already closed by the peer: nothing left to release.
    }
  }

  /** Writes what fits; returns the unwritten tail, or undefined when all was taken. */
  #write(bytes: Uint8Array): Uint8Array | undefined {
    if (this.#space <= 0) return bytes;
    const n = Math.min(this.#space, bytes.length);
    const piece = n === bytes.length ? bytes : bytes.subarray(0, n);
    try {
      this.#space = this.#socket!.write(piece);
    } catch {
      this.#space = 0; // "would block": wait for onWritable
      return bytes;
    }
    return n === bytes.length ? undefined : bytes.subarray(n);
  }

  // readable, writable and failed are public only for the socket callbacks below: nothing else calls them. (Private,
  // each would be a slot in every instance on XS: xs/sources/xsProperty.c lists private methods per instance.)

  /** ECMA-419 onWritable: the first call means connected; then `count` bytes of send space are free. */
  writable(count: number): void {
    if (this.#closed) return;
    this.#space = count;
    if (!this.#open) {
      this.#open = true;
      this.#events.onOpen();
      if (this.#closed) return;
    }
    if (this.#backlogBytes === 0) return; // nothing waited: the common case
    const backlog = this.#backlog!;
    while (backlog.length > 0 && this.#space > 0) {
      const head = backlog[0]!;
      const rest = this.#write(head);
      if (rest === head) break;
      this.#backlogBytes -= head.length - (rest?.length ?? 0);
      if (rest === undefined) backlog.shift();
      else backlog[0] = rest;
    }
    if (this.#backlogBytes === 0) this.#events.onDrain();
  }

  /** ECMA-419 onReadable: `count` bytes are available; read until they are all taken (one read, usually). */
  readable(count: number): void {
    const events = this.#events;
    for (;;) {
      const socket = this.#socket; // undefined once closed
      if (socket === undefined) return;
      let data: ArrayBuffer | undefined;
      try {
        data = socket.read();
      } catch (e) {
        // The socket failed between announcing bytes and our read (its error event still on its way).
        return this.failed(e instanceof Error ? e.message : String(e));
      }
      if (data === undefined) return;
      const n = data.byteLength;
      if (n === 0) return;
      events.onData(new Uint8Array(data));
      count -= n;
      if (!(count > 0)) return;
    }
  }

  /** ECMA-419 onError, or a read that threw: the socket is gone. */
  failed(message: string): void {
    if (this.#closed) return;
    const wasOpen = this.#open;
    this.close();
    this.#events.onClose(wasOpen ? `connection lost: ${message}` : `cannot connect: ${message}`);
  }
}

// The socket's callbacks, one function each for every connection: the socket calls them with
// `this` set to itself, and keeps the transport as its `target` (ECMA-419's `target` option;
// modules/io/socket/lwip/tcp.c). Closures holding the transport cost a client ≈ 35 slots on XS.
function onReadable(this: SocketThis<Transport>, count: number): void {
  this.target.readable(count);
}

function onWritable(this: SocketThis<Transport>, count: number): void {
  this.target.writable(count);
}

function onError(this: SocketThis<Transport>, message?: string): void {
  this.target.failed(message ?? "connection closed");
}
