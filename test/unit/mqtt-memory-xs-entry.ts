// XS entry for test/unit/mqtt-memory.test.ts (bundled by it, never part of the firmware): the
// firmware's MqttConnection over an in-XS fake socket and virtual timers, driven through
// rounds of publishes (QoS 0 and QoS 1 with PUBACK) and broker-side resets, so the test can
// read the XS heap (exact slot and chunk counts, no collector noise) between rounds.
import { MqttConnection } from "../../src/mqtt/connection.js";
import type { ByteSocket, ByteSocketOptions, TimerHandle } from "../../src/platform.js";

declare function trace(text: string): void;

interface Timer {
  at: number;
  callback: () => void;
}

let now = 0;
const timers: Timer[] = [];
let socket: ByteSocketOptions<unknown> | undefined;
const inbound: Uint8Array[] = [];

function advance(ms: number): void {
  const end = now + ms;
  for (;;) {
    let next: Timer | undefined;
    for (const t of timers) if (t.at <= end && (next === undefined || t.at < next.at)) next = t;
    if (next === undefined) break;
    timers.splice(timers.indexOf(next), 1);
    now = next.at;
    next.callback();
  }
  now = end;
}

function feed(bytes: Uint8Array): void {
  inbound.push(bytes);
  socket!.onReadable.call(fake, bytes.length);
}

/** As Moddable's TCP: keeps the `target` option, and is the `this` of every callback. */
const fake: ByteSocket & { target: unknown } = {
  target: undefined,
  read: () => inbound.shift()?.slice().buffer,
  write: () => 1 << 16,
  close: () => undefined,
};

const payload = Uint8Array.from([...'["lux-1",1795355431,284.1312]'].map((c) => c.charCodeAt(0)));
const connection = new MqttConnection({
  socket: (o) => {
    socket = o;
    fake.target = o.target;
    inbound.length = 0;
    return fake;
  },
  resolve: (_host, callback) => callback("127.0.0.1"),
  timers: {
    set: (callback, ms): TimerHandle => {
      const t = { at: now + ms, callback };
      timers.push(t);
      return t;
    },
    repeat: (): TimerHandle => {
      throw new Error("the client sets one-shot timers only");
    },
    clear: (t) => {
      const i = timers.indexOf(t as Timer);
      if (i >= 0) timers.splice(i, 1);
    },
  },
  clock: { now: () => now },
  log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  random: () => 0,
  host: "127.0.0.1",
  port: 1883,
  clientId: "lux-1",
  keepalive: 30,
  clean: false,
  reconnectMin: 10,
  reconnectMax: 10,
});
let id = 0;

const memory = {
  /** Connects (this boot holds no session state: a clean connection first, then DISCONNECT and the persistent one). */
  start(): void {
    connection.start();
    socket!.onWritable.call(fake, 1 << 16);
    feed(Uint8Array.of(0x20, 2, 0, 0));
  },
  /**
   * `reconnects` connections, each with publishes/reconnects publishes (odd ones QoS 1, acknowledged), ended by a
   * reset.
   */
  cycle(publishes: number, reconnects: number): void {
    for (let r = 0; r < reconnects; r++) {
      socket!.onWritable.call(fake, 1 << 16);
      feed(Uint8Array.of(0x20, 2, 1, 0)); // session present
      for (let i = 0; i < publishes / reconnects; i++) {
        connection.publish("sensor-data", payload, { qos: (i & 1) as 0 | 1 });
        if (i & 1) {
          id = (id % 65535) + 1;
          feed(Uint8Array.of(0x40, 2, id >> 8, id & 0xff));
        }
        advance(1);
      }
      socket!.onError.call(fake, "reset");
      advance(10); // the backoff elapses: the client opens the next socket
    }
  },
  report(): void {
    trace(
      `reconnects ${connection.stats.reconnects} queued ${connection.stats.queued} state ${connection.state} timers ${timers.length} inbound ${inbound.length}\n`,
    );
  },
};

export default function main(): void {
  (globalThis as Record<string, unknown>).__memory = memory;
}
