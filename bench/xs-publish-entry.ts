// Bench-only XS entry (bundled by bench/xs-publish.ts, never part of the firmware): the
// firmware's MQTT client over an in-XS fake socket, measured the way Moddable's own clients
// were (client id lux-1, clean session, topic sensor-data, the 29-byte payload, N operations
// in one turn, an empty loop's cost subtracted). The rig* functions do the rig's part of each
// operation alone (its fakes, the PUBACK it builds and feeds, the socket, timer and clock calls
// the client makes, which are native code on a device), so its share can be shown apart.
import { MqttConnection } from "../src/mqtt/connection.js";
import { utf8Encode } from "../src/mqtt/utf8.js";
import { payloadEncoder } from "../src/payload.js";
import type { ByteSocket, ByteSocketOptions, SocketThis, TimerHandle } from "../src/platform.js";

const CONNACK = Uint8Array.of(0x20, 0x02, 0x00, 0x00);
const PAYLOAD = utf8Encode('["lux-1",1795355431,284.1312]');
const ENCODER = payloadEncoder("thingflow", "lux-1");

interface Rig {
  connection: MqttConnection;
  feed(bytes: Uint8Array): void;
}

/** The fake socket as Moddable's TCP is to the client: it keeps `target` and is the `this` of its callbacks. */
interface RigSocket extends ByteSocket {
  target: unknown;
  onReadable: ((this: RigSocket, count: number) => void) | undefined;
  onWritable: ((this: RigSocket, count: number) => void) | undefined;
}

/**
 * The fake socket, timers, clock and log a rig gives the client (measured apart from it). The socket's fields exist
 * before the client opens it, as the native record of a device's TCP does, so only what the client adds is its own.
 */
function fakes() {
  const inbound: Uint8Array[] = [];
  const socket: RigSocket = {
    target: undefined,
    onReadable: undefined,
    onWritable: undefined,
    read: () => inbound.shift()?.slice().buffer,
    write: () => 5744,
    close: () => undefined,
  };
  const timers = { set: (): TimerHandle => ({}), repeat: (): TimerHandle => ({}), clear: () => undefined };
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const feed = (bytes: Uint8Array) => {
    inbound.push(bytes);
    socket.onReadable?.(bytes.length);
  };
  return {
    socket: <T>(o: ByteSocketOptions<T>) => {
      socket.target = o.target;
      socket.onReadable = o.onReadable as RigSocket["onReadable"];
      socket.onWritable = o.onWritable as RigSocket["onWritable"];
      return socket;
    },
    resolve: (_host: string, callback: (address: string | undefined) => void) => callback("127.0.0.1"),
    timers,
    clock: { now: () => 0 },
    log,
    feed,
    writable: () => socket.onWritable?.(5744),
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

/** What the rig's socket callbacks reach through `this.target`, as the client's reach its transport. */
interface RigTarget {
  socket: ByteSocket | undefined;
}

function rigReadable(this: SocketThis<RigTarget>): void {
  this.target.socket!.read();
}

function rigIdle(this: SocketThis<RigTarget>): void {}

/**
 * A fake socket whose reader does what the client's transport does with it per readable event: one read takes the
 * announced bytes.
 */
function rigSocket(f: ReturnType<typeof fakes>): ByteSocket {
  const target: RigTarget = { socket: undefined };
  target.socket = f.socket({
    address: "127.0.0.1",
    port: 1883,
    target,
    onReadable: rigReadable,
    onWritable: rigIdle,
    onError: rigIdle,
  });
  return target.socket;
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
