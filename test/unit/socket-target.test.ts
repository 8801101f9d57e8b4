// The simulator's sockets keep the ECMA-419 contract the MQTT transport relies on: the
// `target` option is kept as the socket's `target` property, and every callback runs with
// `this` set to the socket (modules/io/socket/lwip/tcp.c, builtinInitializeTarget in
// modules/io/common/builtinCommon.c). A stand-in that drops `target` or calls with another
// `this` fails here, by name, before any MQTT test does. Real loopback TCP.
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer } from "node:tls";
import { after, before, describe, it } from "node:test";
import { Board } from "../../host-sim/board.js";
import { tcpSocketFactory } from "../../host-sim/net/sockets.js";
import TCP from "../../host-sim/platform/tcp.js";
import tlsSocket from "../../host-sim/platform/tls-socket.js";
import type { ByteSocket, ByteSocketOptions, SocketThis } from "../../src/platform.js";
import { until } from "../helpers/wait.js";

interface Owner {
  readonly name: string;
  socket: unknown;
  readonly seen: string[];
}

type Self = SocketThis<Owner> & ByteSocket;

// Module-level, as the transport's are: the only way back to the owner is `this.target`.
function onWritable(this: SocketThis<Owner>, count: number): void {
  const t = this.target;
  t.seen.push(`writable ${count > 0} target=${t.name} this=socket:${this === t.socket}`);
}

function onReadable(this: SocketThis<Owner>, count: number): void {
  const t = this.target;
  const data = (this as Self).read();
  t.seen.push(`readable ${count} read=${data?.byteLength} target=${t.name} this=socket:${this === t.socket}`);
}

function onError(this: SocketThis<Owner>): void {
  const t = this.target;
  t.seen.push(`error target=${t.name} this=socket:${this === t.socket}`);
}

const EXPECTED = [
  "writable true target=owner this=socket:true",
  "readable 2 read=2 target=owner this=socket:true",
  "error target=owner this=socket:true",
];

// Each connection gets two bytes, then the server closes it: writable, readable, error.
const hello = (peer: Socket) => peer.end("hi");
let server: Server;
let port: number;
let tlsServer: Server;
let tlsPort: number;
const dir = mkdtempSync(join(tmpdir(), "luxflow-socket-"));
const certificate = join(dir, "cert.pem");

async function listen(s: Server): Promise<number> {
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  return (s.address() as AddressInfo).port;
}

before(async () => {
  server = createServer(hello);
  port = await listen(server);
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"].concat([
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      certificate,
    ]),
    { stdio: "ignore" },
  );
  tlsServer = createTlsServer({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(certificate) }, hello);
  tlsPort = await listen(tlsServer);
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function options(owner: Owner, at = port): ByteSocketOptions<Owner> {
  return { address: "127.0.0.1", port: at, target: owner, onReadable, onWritable, onError };
}

describe("socket target and this", () => {
  it("host-sim/net/sockets.ts: the Node socket keeps target and is each callback's this", async () => {
    const owner: Owner = { name: "owner", socket: undefined, seen: [] };
    const socket = tcpSocketFactory()(options(owner));
    owner.socket = socket;
    strictEqual((socket as Self).target, owner);
    await until(() => owner.seen.length >= 3, "writable, readable and error", { detail: () => owner.seen.join("\n") });
    deepStrictEqual(owner.seen, EXPECTED);
  });

  it("host-sim/platform/tcp.ts: `new TCP` on the simulated board keeps target and is each callback's this", async () => {
    const board = new Board({ config: {}, trace: () => undefined });
    try {
      const owner: Owner = { name: "owner", socket: undefined, seen: [] };
      const socket = board.run(() => new TCP({ ...options(owner), nodelay: true }));
      owner.socket = socket;
      strictEqual(socket.target, owner);
      await until(() => owner.seen.length >= 3, "writable, readable and error", {
        detail: () => owner.seen.join("\n"),
      });
      deepStrictEqual(owner.seen, EXPECTED);
    } finally {
      board.shutdown();
    }
  });

  it("host-sim/platform/tls-socket.ts: the board's TLS socket keeps target and is each callback's this", async () => {
    const board = new Board({ config: {}, trace: () => undefined });
    try {
      const owner: Owner = { name: "owner", socket: undefined, seen: [] };
      const socket = board.run(() => tlsSocket("127.0.0.1", certificate)(options(owner, tlsPort)));
      owner.socket = socket;
      strictEqual((socket as Self).target, owner);
      await until(() => owner.seen.length >= 3, "writable, readable and error", {
        detail: () => owner.seen.join("\n"),
      });
      deepStrictEqual(owner.seen, EXPECTED);
    } finally {
      board.shutdown();
    }
  });
});
