// Memory: rounds of 10,000 publishes (QoS 0 and QoS 1 with PUBACK) and 100 reconnects must
// not grow the retained heap. One reading after forced GC (v8 --expose-gc at run time) moves
// by ±300 KB with whatever else the process does, so the test looks for a trend: the median
// of the last three rounds against the first three. A leak of 10 bytes per publish would add
// 100 KB a round, 300 KB between the medians; the bound is 300 KB. Not a timing check.
import { ok } from "node:assert/strict";
import { describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { VirtualClock } from "../../host-sim/clock.js";
import { MqttConnection } from "../../src/mqtt/connection.js";
import { fakeNetwork, memoryLog } from "../helpers/mqtt-fake-socket.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function retained(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

describe("MqttConnection memory", () => {
  it("does not grow over 10,000 publishes and 100 reconnects", (t) => {
    const clock = new VirtualClock(0);
    const net = fakeNetwork();
    const log = memoryLog();
    const conn = new MqttConnection({
      socket: net.factory, resolve: (_h, cb) => cb("127.0.0.1"), timers: clock, clock, log,
      random: () => 0, host: "127.0.0.1", port: 1883, clientId: "lux-1", keepalive: 30, clean: false,
      reconnectMin: 10, reconnectMax: 10,
    });
    const payload = Uint8Array.from([...'["lux-1",1795355431,284.1312]'].map((c) => c.charCodeAt(0)));
    conn.start();
    // This boot holds no session state: the first connection starts the session afresh (clean, then DISCONNECT).
    net.last().open();
    net.last().feed({ type: 2, sessionPresent: false, returnCode: 0 });
    let id = 0;
    const cycle = (publishes: number, reconnects: number) => {
      for (let r = 0; r < reconnects; r++) {
        const s = net.last();
        s.open();
        s.feed({ type: 2, sessionPresent: true, returnCode: 0 });
        for (let i = 0; i < publishes / reconnects; i++) {
          conn.publish("sensor-data", payload, { qos: (i & 1) as 0 | 1 });
          if (i & 1) s.feed({ type: 4, id: (id = (id % 65535) + 1) });
          clock.advance(1);
        }
        s.written.length = 0; // the fake's own record, not the client's memory
        s.fail("reset");
        clock.advance(10); // backoff elapses: the client opens the next socket
        net.sockets.splice(0, net.sockets.length - 1); // forget the fake's old sockets
      }
    };
    cycle(10_000, 100); // warm up: JIT code and feedback, caches, the outbox's arrays
    const rounds: number[] = [];
    for (let round = 0; round < 6; round++) {
      cycle(10_000, 100);
      log.lines.length = 0; // the test's log record, not the client's memory
      rounds.push(retained());
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
    const growth = median(rounds.slice(3)) - median(rounds.slice(0, 3));

    ok(conn.stats.reconnects === 699, `reconnects ${conn.stats.reconnects}`);
    ok(conn.stats.queued === 0, `queued ${conn.stats.queued}`);
    t.diagnostic(`retained heap after each round of 10,000 publishes and 100 reconnects: ${rounds.join(", ")} bytes; trend ${growth} bytes over 3 rounds`);
    ok(growth < 300_000, `retained heap grew by ${growth} bytes over 3 rounds of 10,000 publishes and 100 reconnects`);
    conn.stop();
  });
});
