// A TCP fault proxy on 127.0.0.1: every connection to `port` is forwarded to the target, and
// faults are applied on command — close (FIN), reset (RST), blackhole (bytes silently
// swallowed both ways, sockets left open: a half-open link), delay and throttle, refuse
// (new connections closed at once). Used by the fault tests and by `host-sim/faults/cli.ts`.
import { createServer, connect, type Server, type Socket } from "node:net";

interface Pair {
  client: Socket;
  upstream: Socket;
}

export class FaultProxy {
  readonly #server: Server;
  readonly #pairs = new Set<Pair>();
  readonly target: { host: string; port: number };
  #blackhole = false;
  #refuse = false;
  #delay = 0;
  #throttle = 0;
  /** Connections accepted since start (refused ones included). */
  accepted = 0;

  private constructor(target: { host: string; port: number }) {
    this.target = target;
    this.#server = createServer((client) => this.#accept(client));
  }

  /** Listens on 127.0.0.1:`port` (0 = any free port). */
  static async start(target: { host?: string; port: number }, port = 0): Promise<FaultProxy> {
    const proxy = new FaultProxy({ host: target.host ?? "127.0.0.1", port: target.port });
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once("error", reject);
      proxy.#server.listen(port, "127.0.0.1", () => resolve());
    });
    return proxy;
  }

  get port(): number {
    const a = this.#server.address();
    if (a === null || typeof a === "string") throw new Error("proxy is not listening");
    return a.port;
  }

  /** Open proxied connections. */
  get connections(): number {
    return this.#pairs.size;
  }

  /** Ends every connection with FIN on both sides. */
  closeAll(): void {
    for (const p of this.#pairs) {
      p.client.end();
      p.upstream.end();
      p.client.destroySoon();
      p.upstream.destroySoon();
    }
    this.#pairs.clear();
  }

  /** Ends every connection with RST on both sides. */
  resetAll(): void {
    for (const p of this.#pairs) {
      p.client.resetAndDestroy();
      p.upstream.resetAndDestroy();
    }
    this.#pairs.clear();
  }

  /** While on, bytes in both directions are dropped and sockets stay open (a dead link). */
  blackhole(on: boolean): void {
    this.#blackhole = on;
  }

  /** While on, new connections are accepted and closed at once. */
  refuse(on: boolean): void {
    this.#refuse = on;
  }

  /** Delays every chunk by `ms` milliseconds (0 = off). */
  delay(ms: number): void {
    this.#delay = Math.max(0, ms);
  }

  /** Limits each direction to about `bytesPerSecond` (0 = unlimited). */
  throttle(bytesPerSecond: number): void {
    this.#throttle = Math.max(0, bytesPerSecond);
  }

  async stop(): Promise<void> {
    this.resetAll();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    this.accepted++;
    if (this.#refuse) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ host: this.target.host, port: this.target.port });
    const pair: Pair = { client, upstream };
    this.#pairs.add(pair);
    const drop = () => {
      if (!this.#pairs.delete(pair)) return;
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    this.#pipe(client, upstream);
    this.#pipe(upstream, client);
  }

  #pipe(from: Socket, to: Socket): void {
    let ready = 0; // time before which the throttle holds the next chunk
    from.on("data", (chunk: Buffer) => {
      if (this.#blackhole) return;
      let wait = this.#delay;
      if (this.#throttle > 0) {
        const now = Date.now();
        ready = Math.max(ready, now) + (chunk.length * 1000) / this.#throttle;
        wait = Math.max(wait, ready - now);
      }
      if (wait <= 0) to.write(chunk);
      else
        setTimeout(() => {
          if (!to.destroyed) to.write(chunk);
        }, wait);
    });
  }
}
