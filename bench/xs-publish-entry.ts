// Bench-only XS entry (bundled by bench/xs-publish.ts, never part of the firmware): the
// firmware's MQTT client over an in-XS fake socket, measured the way docs/targets.md measured
// Moddable's own clients (client id lux-1, clean session, topic sensor-data, the 29-byte
// payload, N operations in one turn, an empty loop's cost subtracted).
import { MqttConnection } from "../src/mqtt/connection.js";
import { utf8Encode } from "../src/mqtt/utf8.js";
import { payloadEncoder } from "../src/payload.js";
import type { ByteSocket, ByteSocketOptions, TimerHandle } from "../src/platform.js";

const CONNACK = Uint8Array.of(0x20, 0x02, 0x00, 0x00);
const PAYLOAD = utf8Encode('["lux-1",1795355431,284.1312]');
const ENCODER = payloadEncoder("thingflow", "lux-1");

interface Rig { connection: MqttConnection; feed(bytes: Uint8Array): void }

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
  const feed = (bytes: Uint8Array) => { inbound.push(bytes); options?.onReadable(bytes.length); };
  return {
    socket: (o: ByteSocketOptions) => { options = o; return socket; },
    resolve: (_host: string, callback: (address: string | undefined) => void) => callback("127.0.0.1"),
    timers, clock: { now: () => 0 }, log, feed,
    writable: () => options?.onWritable(5744),
  };
}

function rig(): Rig {
  const f = fakes();
  const { feed } = f;
  const connection = new MqttConnection({
    socket: f.socket, resolve: f.resolve, timers: f.timers, clock: f.clock, log: f.log,
    host: "127.0.0.1", port: 1883, clientId: "lux-1", keepalive: 60, clean: true,
  });
  connection.start();
  f.writable();
  feed(CONNACK);
  if (!connection.connected) throw new Error("bench rig: not connected after CONNACK");
  return { connection, feed };
}

let held: Rig | undefined;
const kept: unknown[] = [];
let packetId = 0;

const bench = {
  empty(n: number): void { for (let i = 0; i < n; i++) { /* loop cost only */ } },
  connect(n: number): void { for (let i = 0; i < n; i++) rig(); },
  rig,
  fakes,
  hold(): void { held = rig(); },
  /** Keeps n more connected clients (or, with fakesOnly, just their fakes) alive. */
  keep(n: number, fakesOnly: boolean): void { for (let i = 0; i < n; i++) kept.push(fakesOnly ? fakes() : rig()); },
  publish0(n: number): void {
    const c = (held ?? (held = rig())).connection;
    for (let i = 0; i < n; i++) c.publish("sensor-data", PAYLOAD, { qos: 0 });
  },
  payload(n: number): void {
    for (let i = 0; i < n; i++) ENCODER.bytes({ sensorId: "lux-1", timestamp: 1795355431, value: 284.1312, seq: i + 1 });
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
  (globalThis as Record<string, unknown>).__xsBench = bench;
}
