// Drives one `xsnap-worker` process (Moddable's XS engine, built from C by @agoric/xsnap at
// install time) over its netstring protocol, without importing @agoric/xsnap's Node API (which
// loads SES and locks down the realm that imports it).
//
// The protocol, as implemented by xsnap-native/xsnap/sources/xsnap-worker.c:
//  - fd 3 carries netstrings `<length>:<bytes>,` from Node to XS, fd 4 from XS to Node.
//  - Node → XS: `e<source>` evaluates a script, `?<bytes>` calls globalThis.handleCommand with
//    an ArrayBuffer, `w<path>` writes a heap snapshot, `q` quits.
//  - XS → Node, while a turn runs: `?<bytes>` is XS calling issueCommand(ArrayBuffer); XS blocks
//    until Node answers `/<bytes>`. A turn ends with `.<meter JSON>\u0001<reply>` (success) or
//    `!<message>` (uncaught exception). The meter JSON holds `compute` (bytecodes this turn),
//    `currentHeapCount` (slots handed out since the last collection) and `allocate`.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Readable, Writable } from "node:stream";

export interface Meter {
  compute: number;
  currentHeapCount: number;
  allocate: number;
}

export interface TurnResult {
  reply: Uint8Array;
  meter: Meter;
}

/** Answers XS's synchronous issueCommand; XS waits for the reply. */
export type QueryHandler = (request: Uint8Array) => Uint8Array;

export interface XsWorkerOptions {
  name?: string;
  /** Serves issueCommand calls made from inside XS. */
  onQuery: QueryHandler;
  /** Text the engine's print() writes to its stdout; default: discarded. */
  onStdout?: (text: string) => void;
  /** Bytecode limit per turn (xsnap -l); a runaway turn ends the worker. */
  meteringLimit?: number;
}

/** The path of the release xsnap-worker binary that npm's install script built. */
export function xsnapWorkerPath(): string {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve("@agoric/xsnap/package.json"));
  const platform = process.platform === "darwin" ? "mac" : "lin";
  return join(root, "xsnap-native", "xsnap", "build", "bin", platform, "release", "xsnap-worker");
}

const OK = 0x2e; // "."
const ERROR = 0x21; // "!"
const QUERY = 0x3f; // "?"

function netstring(parts: Uint8Array[]): Buffer {
  const length = parts.reduce((n, p) => n + p.byteLength, 0);
  return Buffer.concat([Buffer.from(`${length}:`), ...parts, Buffer.from(",")]);
}

/** Splits a byte stream into netstring payloads. */
class NetstringReader {
  #buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Uint8Array[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const out: Uint8Array[] = [];
    for (;;) {
      const colon = this.#buffer.indexOf(0x3a);
      if (colon < 0) break;
      const length = Number(this.#buffer.subarray(0, colon).toString("latin1"));
      if (!Number.isSafeInteger(length)) throw new Error(`xsnap: bad netstring length`);
      const end = colon + 1 + length;
      if (this.#buffer.length < end + 1) break;
      if (this.#buffer[end] !== 0x2c) throw new Error("xsnap: netstring missing ','");
      out.push(this.#buffer.subarray(colon + 1, end));
      this.#buffer = this.#buffer.subarray(end + 1);
    }
    return out;
  }
}

interface Pending {
  resolve(result: TurnResult): void;
  reject(error: Error): void;
}

/** One XS machine in a child process; turns run one at a time, in the order requested. */
export class XsWorker {
  readonly #child: ChildProcess;
  readonly #toXs: Writable;
  readonly #reader = new NetstringReader();
  readonly #onQuery: QueryHandler;
  readonly #queue: { message: Buffer; pending: Pending }[] = [];
  #current: Pending | undefined;
  #exitError: Error | undefined;
  readonly exited: Promise<number | null>;

  constructor(options: XsWorkerOptions) {
    this.#onQuery = options.onQuery;
    const args = [options.name ?? "luxflow"];
    if (options.meteringLimit !== undefined) args.push("-l", String(options.meteringLimit));
    this.#child = spawn(xsnapWorkerPath(), args, {
      stdio: ["ignore", "pipe", "inherit", "pipe", "pipe"],
    });
    const stdio = this.#child.stdio as unknown as [null, Readable, null, Writable, Readable];
    this.#toXs = stdio[3];
    stdio[4].on("data", (chunk: Buffer) => this.#onData(chunk));
    stdio[1].setEncoding("utf8");
    stdio[1].on("data", (text: string) => options.onStdout?.(text));
    this.#toXs.on("error", () => undefined);
    this.exited = new Promise((resolve) => {
      const end = (error: Error, code: number | null) => {
        if (this.#exitError !== undefined) return;
        this.#exitError = error;
        this.#current?.reject(error);
        this.#current = undefined;
        for (const { pending } of this.#queue.splice(0)) pending.reject(error);
        resolve(code);
      };
      this.#child.once("error", (error: NodeJS.ErrnoException) => {
        const missing = error.code === "ENOENT";
        end(
          new Error(
            missing
              ? `xsnap-worker is not built (${xsnapWorkerPath()}): @agoric/xsnap's install script builds it; run npm ci (package.json allowScripts permits it)`
              : `xsnap-worker: ${error.message}`,
          ),
          null,
        );
      });
      this.#child.once("exit", (code, signal) =>
        end(new Error(`xsnap-worker exited (code ${code}, signal ${signal})`), code),
      );
    });
  }

  /** Evaluates a script as one turn (the promise jobs it queues run before the turn ends). */
  evaluate(source: string): Promise<TurnResult> {
    return this.#enqueue(netstring([Buffer.from(`e${source}`, "utf8")]));
  }

  /** Calls globalThis.handleCommand(ArrayBuffer) in XS as one turn; resolves with its reply. */
  command(bytes: Uint8Array): Promise<TurnResult> {
    return this.#enqueue(netstring([Buffer.from("?"), bytes]));
  }

  /** Writes a heap snapshot (after a full collection) to `path`; resolves with its size. */
  async snapshot(path: string): Promise<number> {
    const { reply } = await this.#enqueue(netstring([Buffer.from(`w${path}`, "utf8")]));
    return Number(Buffer.from(reply).toString("latin1"));
  }

  /** Asks the worker to quit after the turns already queued. */
  async close(): Promise<void> {
    if (this.#exitError === undefined) {
      const quit = netstring([Buffer.from("q")]);
      await new Promise<void>((resolve) => {
        const drain = (): void => {
          if (this.#current === undefined && this.#queue.length === 0) {
            this.#toXs.end(quit);
            resolve();
          } else setTimeout(drain, 1);
        };
        drain();
      });
    }
    await this.exited;
  }

  /** Kills the worker at once. */
  async terminate(): Promise<void> {
    if (this.#exitError === undefined) this.#child.kill("SIGKILL");
    await this.exited;
  }

  #enqueue(message: Buffer): Promise<TurnResult> {
    if (this.#exitError !== undefined) return Promise.reject(this.#exitError);
    return new Promise((resolve, reject) => {
      this.#queue.push({ message, pending: { resolve, reject } });
      this.#next();
    });
  }

  #next(): void {
    if (this.#current !== undefined) return;
    const item = this.#queue.shift();
    if (item === undefined) return;
    this.#current = item.pending;
    this.#toXs.write(item.message);
  }

  #onData(chunk: Buffer): void {
    for (const message of this.#reader.push(chunk)) this.#onMessage(message);
  }

  #onMessage(message: Uint8Array): void {
    const kind = message[0];
    if (kind === QUERY) {
      let reply: Uint8Array;
      try {
        reply = this.#onQuery(message.subarray(1));
      } catch (error) {
        reply = Buffer.from(JSON.stringify({ error: String((error as Error).message ?? error) }));
      }
      this.#toXs.write(netstring([Buffer.from("/"), reply]));
      return;
    }
    const pending = this.#current;
    this.#current = undefined;
    if (kind === OK) {
      const separator = message.indexOf(1, 1);
      const meter = (
        separator >= 0
          ? JSON.parse(Buffer.from(message.subarray(1, separator)).toString("utf8"))
          : { compute: 0, currentHeapCount: 0, allocate: 0 }
      ) as Meter;
      pending?.resolve({ reply: message.subarray(separator < 0 ? 1 : separator + 1), meter });
    } else if (kind === ERROR) {
      pending?.reject(new Error(`XS: ${Buffer.from(message.subarray(1)).toString("utf8")}`));
    } else {
      pending?.reject(new Error(`xsnap: unexpected message ${String.fromCharCode(kind ?? 0)}`));
    }
    this.#next();
  }
}
