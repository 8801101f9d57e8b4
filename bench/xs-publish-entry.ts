// Bench-only XS entry (bundled by bench/xs-publish.ts, never part of the firmware): the
// firmware's MQTT client over an in-XS fake socket, measured the way Moddable's own clients
// were (client id lux-1, clean session, topic sensor-data, the 29-byte payload, N operations
// in one turn, an empty loop's cost subtracted). The rig* functions do the rig's part of each
// operation alone (its fakes, the PUBACK it builds and feeds, the socket, timer and clock calls
// the client makes, which are native code on a device), so its share can be shown apart.
import { MqttConnection } from "../src/mqtt/connection.js";
import { utf8Encode } from "../src/mqtt/utf8.js";
import { payloadEncoder } from "../src/payload.js";
import type { ByteSocket, ByteSocketOptions, TimerHandle } from "../src/platform.js";

const CONNACK = Uint8Array.of(0x20, 0x02, 0x00, 0x00);
const PAYLOAD = utf8Encode('["lux-1",1795355431,284.1312]');
const ENCODER = payloadEncoder("thingflow", "lux-1");

interface Rig {
  connection: MqttConnection;
  feed(bytes: Uint8Array): void;
}

/** The fake socket, timers, clock and log a rig gives the client (measured apart from it). */
function fakes() {
  let options: ByteSocketOptions | undefined;
  const inbound: Uint8Array[] = [];
  const socket: ByteSocket = {
    read: () => inbound.shift()?.slice().buffer,
    write: () => 5744,
    close: () => undefined,
  };
  const timers = { set: (): TimerHandle => ({}), repeat: (): TimerHandle => ({}), clear: () => undefined };
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const feed = (bytes: Uint8Array) => {
    inbound.push(bytes);
    options?.onReadable(bytes.length);
  };
  return {
    socket: (o: ByteSocketOptions) => {
      options = o;
      return socket;
    },
    resolve: (_host: string, callback: (address: string | undefined) => void) => callback("127.0.0.1"),
    timers,
    clock: { now: () => 0 },
    log,
    feed,
    writable: () => options?.onWritable(5744),
  };
}

function rig(): Rig {
  const f = fakes();
  const { feed } = f;
  const connection = new MqttConnection({
    socket: f.socket,
    resolve: f.resolve,
    timers: f.timers,
    clock: f.clock,
    log: f.log,
    host: "127.0.0.1",
    port: 1883,
    clientId: "lux-1",
    keepalive: 60,
    clean: true,
  });
  connection.start();
  f.writable();
  feed(CONNACK);
  if (!connection.connected) throw new Error("bench rig: not connected after CONNACK");
  return { connection, feed };
}

/** Keeps what the rig* functions make from being optimised away (XS does not, but say so). */
let sink: unknown;

/**
 * A fake socket whose reader does what the client's transport does with it per readable event: one read takes the
 * announced bytes.
 */
function rigSocket(f: ReturnType<typeof fakes>): ByteSocket {
  const s: ByteSocket = f.socket({
    address: "127.0.0.1",
    port: 1883,
    onReadable: () => {
      s.read();
    },
    onWritable: () => undefined,
    onError: () => undefined,
  });
  return s;
}

let held: Rig | undefined;
const kept: unknown[] = [];
let packetId = 0;

const bench = {
  empty(n: number): void {
    for (let i = 0; i < n; i++) {
      /* loop cost only */
    }
  },
  connect(n: number): void {
    for (let i = 0; i < n; i++) rig();
  },
  rig,
  fakes,
  hold(): void {
    held = rig();
  },
  /** Keeps n more connected clients (or, with fakesOnly, just their fakes) alive. */
  keep(n: number, fakesOnly: boolean): void {
    for (let i = 0; i < n; i++) kept.push(fakesOnly ? fakes() : rig());
  },
  publish0(n: number): void {
    const c = (held ?? (held = rig())).connection;
    for (let i = 0; i < n; i++) c.publish("sensor-data", PAYLOAD, { qos: 0 });
  },
  payload(n: number): void {
    for (let i = 0; i < n; i++)
      ENCODER.bytes({ sensorId: "lux-1", timestamp: 1795355431, value: 284.1312, seq: i + 1 });
  },
  /** The rig's part of publish0: the options object, the two socket writes and the clock read the client makes. */
  rig0(n: number): void {
    const f = fakes();
    const s = rigSocket(f);
    for (let i = 0; i < n; i++) {
      sink = { qos: 0 };
      s.write(PAYLOAD);
      s.write(PAYLOAD);
      f.clock.now();
    }
  },
  /**
   * The rig's part of publish1: the options object, one socket write, two clock reads, and the PUBACK built, fed and
   * read.
   */
  rig1(n: number): void {
    const f = fakes();
    const s = rigSocket(f);
    for (let i = 0; i < n; i++) {
      sink = { qos: 1 };
      s.write(PAYLOAD);
      f.clock.now();
      f.clock.now();
      packetId = (packetId % 65535) + 1;
      f.feed(Uint8Array.of(0x40, 0x02, packetId >> 8, packetId & 0xff));
    }
  },
  /**
   * The rig's part of connect: its fakes, the options object, the socket factory, onWritable,
   * the calls the client makes (one write, three timer clears, two sets, four clock reads, one
   * log line; the host is an address, so no resolve) and the CONNACK fed and read.
   */
  rigConnect(n: number): void {
    for (let i = 0; i < n; i++) {
      const f = fakes();
      const s = rigSocket(f);
      sink = {
        socket: f.socket,
        resolve: f.resolve,
        timers: f.timers,
        clock: f.clock,
        log: f.log,
        host: "127.0.0.1",
        port: 1883,
        clientId: "lux-1",
        keepalive: 60,
        clean: true,
      };
      f.writable();
      s.write(PAYLOAD);
      f.timers.set();
      f.timers.set();
      f.timers.clear();
      f.timers.clear();
      f.timers.clear();
      f.clock.now();
      f.clock.now();
      f.clock.now();
      f.clock.now();
      f.log.info();
      f.feed(CONNACK);
    }
  },
  publish1(n: number): void {
    const r = held ?? (held = rig());
    for (let i = 0; i < n; i++) {
      r.connection.publish("sensor-data", PAYLOAD, { qos: 1 });
      packetId = (packetId % 65535) + 1;
      r.feed(Uint8Array.of(0x40, 0x02, packetId >> 8, packetId & 0xff));
    }
  },
};

export default function main(): void {
  sink = undefined;
  (globalThis as Record<string, unknown>).__xsBench = bench;
}
