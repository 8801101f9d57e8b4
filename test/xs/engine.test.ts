// The XS engine path on its own: the xsnap-worker protocol, the device-shaped global object,
// the preload freeze, timers in lockstep with a virtual clock, the I2C bus through the
// bridge, and a firmware exception ending the run. A small stand-in firmware (written to a
// temporary project) and a one-chip board keep each behaviour visible; the real firmware
// runs on XS in test/xs/firmware.test.ts.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { VirtualClock } from "../../host-sim/clock.js";
import { I2CBus } from "../../host-sim/io/i2c.js";
import type { XsBoard } from "../../host-sim/xs/bridge.js";
import type { ByteSocket, ByteSocketOptions } from "../../src/platform.js";
import { bundleForXs } from "../../host-sim/xs/bundle.js";
import { runOnXs } from "../../host-sim/xs/index.js";
import { XsWorker } from "../../host-sim/xs/worker.js";

const FIRMWARE = `
import Timer from "timer";
import config from "mc/config";
import SMBus from "embedded:io/smbus";
const counters = { ticks: 0 };
const history: number[] = [];
export default function main(): void {
  const g = globalThis as Record<string, unknown>;
  const hostOnly = ["TextEncoder", "TextDecoder", "print", "setImmediate", "gc", "harden", "performance", "issueCommand", "Base64", "global"]
    .filter((name) => name in g);
  trace("host-only globals: [" + hostOnly.join(",") + "] config.id=" + String(config.id) + " frozen=" + Object.isFrozen(config) + "\\n");
  const bus = new SMBus({ ...(device.I2C.default as object), address: 0x29, hz: 100000 } as never);
  trace("chip id 0x" + bus.readUint8(0x12).toString(16) + "\\n");
  let local = 0;
  Timer.repeat(() => {
    local++;
    trace("tick " + local + "\\n");
    if (config.mutate === "object") counters.ticks++;
    if (config.mutate === "array") history.push(local);
    if (config.mutate === "throw" && local === 2) throw new Error("boom in a timer callback");
  }, 1000);
  Timer.set(() => trace("once\\n"), 1500);
}
`;

let root: string;

before(() => {
  root = mkdtempSync(join(tmpdir(), "luxflow-xs-"));
  mkdirSync(join(root, "src"));
  writeFileSync(join(root, "manifest.json"), JSON.stringify({ modules: { "*": "./src/*" } }));
  writeFileSync(join(root, "src", "main.ts"), FIRMWARE);
});

after(() => rmSync(root, { recursive: true, force: true }));

/** A board with a clock, one register-file chip at 0x29 and trace capture; nothing else. */
function standInBoard(config: Record<string, unknown>) {
  const lines: string[] = [];
  const i2c = new I2CBus();
  let register = 0;
  i2c.attach(0x29, {
    write: (bytes) => {
      register = bytes[0] ?? 0;
      return true;
    },
    read: (count) => new Uint8Array(count).fill(register === 0x12 ? 0x50 : 0),
  });
  class SMBus {
    readonly #address: number;
    constructor(options: { address: number }) {
      this.#address = options.address;
    }
    readUint8(reg: number): number {
      if (!i2c.write(this.#address, Uint8Array.of(reg))) throw new Error("write failed");
      const bytes = i2c.read(this.#address, 1);
      if (bytes === undefined) throw new Error("read failed");
      return bytes[0] as number;
    }
    close(): void {}
  }
  let text = "";
  const board: XsBoard = {
    clock: new VirtualClock(0),
    config: Object.freeze(config),
    trace: (chunk) => {
      text += chunk;
      const parts = text.split("\n");
      text = parts.pop() ?? "";
      lines.push(...parts);
    },
    io: { SMBus },
    device: { I2C: { default: { data: 21, clock: 22 } }, pin: { led: 2 } },
    wifi: {
      joined: false,
      ssid: "none",
      station: () => {
        throw new Error("no wifi on this board");
      },
      connect: () => undefined,
    },
    openTcp: () => {
      throw new Error("no sockets on this board");
    },
    tlsSocket: () => () => {
      throw new Error("no TLS on this board");
    },
    flash: { get: () => undefined, set: () => undefined, delete: () => undefined, keys: () => [] },
    led: { write: () => undefined },
    sntp: (_host, callback) => callback(undefined),
    resolve: (_host, callback) => callback(undefined),
  };
  return { board, lines, clock: board.clock as VirtualClock };
}

test("xsnap-worker: a turn's reply and meter, a synchronous query to Node, an exception as a rejected turn", async () => {
  const queries: string[] = [];
  const worker = new XsWorker({
    onQuery: (bytes) => {
      queries.push(Buffer.from(bytes).toString());
      return Buffer.from("pong");
    },
  });
  try {
    await worker.evaluate(`globalThis.handleCommand = (b) => {
      const answer = new TextDecoder().decode(issueCommand(new TextEncoder().encode("ping").buffer));
      return new TextEncoder().encode(answer + ":" + new TextDecoder().decode(b)).buffer;
    };`);
    const turn = await worker.command(Buffer.from("hello"));
    assert.equal(Buffer.from(turn.reply).toString(), "pong:hello");
    assert.deepEqual(queries, ["ping"]);
    assert.ok(turn.meter.compute > 0, "the turn is metered");
    const loop = await worker.evaluate("for (let i = 0; i < 1000; i++) {}");
    const empty = await worker.evaluate("0");
    assert.ok(
      loop.meter.compute > empty.meter.compute + 1000,
      `a 1000-step loop costs more bytecodes (${loop.meter.compute} vs ${empty.meter.compute})`,
    );
    await assert.rejects(worker.evaluate("throw new Error('bad')"), /XS: Error: bad/);
    assert.equal(
      Buffer.from((await worker.command(Buffer.from("after"))).reply).toString(),
      "pong:after",
      "the worker survives",
    );
  } finally {
    await worker.close();
  }
});

test("XS sees a device's globals: trace, device and a frozen mc/config; none of xsnap's host extras", async () => {
  const { board, lines } = standInBoard({ id: "lux-9" });
  const run = await runOnXs(board, { bundle: await bundleForXs({ root }) });
  try {
    assert.equal(lines[0], "host-only globals: [] config.id=lux-9 frozen=true");
    assert.equal(lines[1], "chip id 0x50", "SMBus reached the chip through the board's I2C bus");
  } finally {
    await run.stop();
  }
});

test("timers fire on the board's virtual clock in order, each turn finished before the next", async () => {
  const { board, lines, clock } = standInBoard({});
  const run = await runOnXs(board, { bundle: await bundleForXs({ root }) });
  try {
    await run.advance(3000);
    assert.deepEqual(lines.slice(2), ["tick 1", "once", "tick 2", "tick 3"]);
    assert.equal(clock.now(), 3000);
    await run.stop();
    assert.equal(clock.pending, 0, "stop() cancels the XS side's timers");
  } finally {
    await run.stop();
  }
});

test("preload: mutating a module-level object at run time throws on XS, as in flash", async () => {
  for (const mutate of ["object", "array"]) {
    const { board, lines } = standInBoard({ mutate });
    const run = await runOnXs(board, { bundle: await bundleForXs({ root }) });
    try {
      await run.advance(1000);
      assert.ok(run.failure, `mutating the module-level ${mutate} failed the run`);
      assert.match(run.failure.message, /TypeError/);
      assert.match(lines.at(-1) ?? "", /^<error> xs: .*TypeError/);
    } finally {
      await run.stop();
    }
  }
});

test("without the preload freeze the same mutation succeeds (the freeze is what catches it)", async () => {
  const { board, lines } = standInBoard({ mutate: "object" });
  const run = await runOnXs(board, { bundle: await bundleForXs({ root, preload: false }) });
  try {
    await run.advance(2000);
    assert.equal(run.failure, undefined);
    assert.deepEqual(lines.slice(2), ["tick 1", "once", "tick 2"]);
  } finally {
    await run.stop();
  }
});

test("an exception escaping a firmware callback stops the run and is reported", async () => {
  const { board, lines } = standInBoard({ mutate: "throw" });
  const fatal: Error[] = [];
  const run = await runOnXs(board, { bundle: await bundleForXs({ root }), onFatal: (error) => fatal.push(error) });
  try {
    await run.advance(5000);
    assert.equal(fatal.length, 1);
    assert.match(fatal[0]?.message ?? "", /boom in a timer callback/);
    assert.deepEqual(
      lines.filter((line) => line.startsWith("tick")),
      ["tick 1", "tick 2"],
      "no turn runs after the failure",
    );
  } finally {
    await run.stop();
  }
});

test("the bundle names the firmware's modules and the module-level bindings preload freezes", async () => {
  const bundle = await bundleForXs({ root });
  assert.deepEqual(bundle.modules, ["src/main.ts"]);
  assert.deepEqual(
    bundle.roots.filter((name) => !name.startsWith("main")),
    ["counters", "history"],
  );
  assert.ok(bundle.firmwareBytes > 0 && bundle.firmwareBytes < bundle.bytes);
  await assert.rejects(bundleForXs({ root, entry: "src/missing.ts" }));
});

// The warnings xsl printed for the firmware before its tables were frozen row by row
// (`CONFIG_KEYS[30]: not frozen`) and for a writable module binding (`no const`): the
// emulation must report the same kinds, with xsl's module: path wording.
const TABLES = `
const TABLE = Object.freeze([{ key: "a" }, { key: "b" }]);
const ROWS = Object.freeze([Object.freeze({ key: "c" })]);
class Holder { static readonly shared = { n: 1 }; }
let turns = 0;
export default function main(): void {
  turns++;
  trace(String(TABLE.length + ROWS.length + Holder.shared.n + turns) + "\\n");
}
`;

test("preload check: what xsl reports as not frozen or no const, the emulation reports too", async () => {
  const tables = mkdtempSync(join(tmpdir(), "luxflow-xs-tables-"));
  try {
    mkdirSync(join(tables, "src"));
    writeFileSync(join(tables, "manifest.json"), JSON.stringify({ modules: { "*": "./src/*" } }));
    writeFileSync(join(tables, "src", "main.ts"), TABLES);
    const { board } = standInBoard({});
    const run = await runOnXs(board, { bundle: await bundleForXs({ root: tables }) });
    try {
      await run.advance(10);
      assert.deepEqual([...run.preloadProblems].sort(), [
        "src/main: Holder.shared: not frozen",
        "src/main: TABLE[0]: not frozen",
        "src/main: TABLE[1]: not frozen",
        "src/main: turns: no const",
      ]);
    } finally {
      await run.stop();
    }
  } finally {
    rmSync(tables, { recursive: true, force: true });
  }
});

test("preload check: the stand-in firmware's module-level object and array are named", async () => {
  const { board } = standInBoard({});
  const run = await runOnXs(board, { bundle: await bundleForXs({ root }) });
  try {
    await run.advance(10);
    assert.deepEqual([...run.preloadProblems].sort(), [
      "src/main: counters: not frozen",
      "src/main: history: not frozen",
    ]);
  } finally {
    await run.stop();
  }
});

// A Map built when a preloaded module loads is in flash on the device: filling it later threw
// "read-only Map instance (in set)" in the -p lin build of the chip model (SDK 8.2.3).
const LATE_MAP = `
import Timer from "timer";
const cache = new Map<string, number>();
export default function main(): void {
  Timer.set(() => { cache.set("led", 1); trace("cached\\n"); }, 10);
}
`;

test("preload: a module-level Map filled at run time throws on XS, as in flash", async () => {
  const dir = mkdtempSync(join(tmpdir(), "luxflow-xs-map-"));
  try {
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ modules: { "*": "./src/*" } }));
    writeFileSync(join(dir, "src", "main.ts"), LATE_MAP);
    const { board, lines } = standInBoard({});
    const run = await runOnXs(board, { bundle: await bundleForXs({ root: dir }) });
    try {
      await run.advance(100);
      assert.ok(run.failure, "filling the preloaded Map failed the run");
      assert.match(run.failure.message, /read-only Map instance \(in set\)/);
      assert.ok(!lines.includes("cached"));
    } finally {
      await run.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Callbacks shared by every socket, as the MQTT transport's are: they reach their owner only
// through `this.target`, so the TCP stand-in must keep `target` and call them with `this` set
// to the socket, as Moddable's TCP does (modules/io/socket/lwip/tcp.c).
const SOCKET = `
import TCP from "embedded:io/socket/tcp";
function whose(self: any): string {
  return "target=" + self.target.name + " this=socket:" + (self === self.target.socket);
}
function onWritable(this: any, count: number): void {
  trace("writable " + count + " " + whose(this) + "\\n");
}
function onReadable(this: any, count: number): void {
  const data = this.read();
  trace("readable " + count + " read=" + data.byteLength + " " + whose(this) + "\\n");
}
function onError(this: any): void {
  trace("error " + whose(this) + "\\n");
}
export default function main(): void {
  const owner = { name: "owner", socket: undefined as unknown };
  const socket: any = new TCP({ address: "127.0.0.1", port: 1883, target: owner, onReadable, onWritable, onError } as never);
  owner.socket = socket;
  trace("kept target=" + (socket.target === owner) + "\\n");
}
`;

test("the TCP stand-in on XS keeps `target` and calls each callback with `this` = the socket", async () => {
  const dir = mkdtempSync(join(tmpdir(), "luxflow-xs-socket-"));
  try {
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ modules: { "*": "./src/*" } }));
    writeFileSync(join(dir, "src", "main.ts"), SOCKET);
    const { board, lines } = standInBoard({});
    const inbox = [Uint8Array.of(1, 2, 3)];
    const peer: ByteSocket & { target: unknown } = {
      target: undefined,
      read: () => inbox.shift()?.slice().buffer,
      write: () => 100,
      close: () => undefined,
    };
    let opened: ByteSocketOptions<unknown> | undefined;
    board.openTcp = (options) => {
      opened = options;
      peer.target = options.target;
      return peer;
    };
    const run = await runOnXs(board, { bundle: await bundleForXs({ root: dir }) });
    try {
      assert.ok(opened, "the firmware opened a socket on the board");
      opened.onWritable.call(peer, 512);
      await run.idle();
      opened.onReadable.call(peer, 3);
      await run.idle();
      opened.onError.call(peer, "reset");
      await run.idle();
      assert.equal(run.failure, undefined);
      assert.deepEqual(lines, [
        "kept target=true",
        "writable 512 target=owner this=socket:true",
        "readable 3 read=3 target=owner this=socket:true",
        "error target=owner this=socket:true",
      ]);
    } finally {
      await run.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
