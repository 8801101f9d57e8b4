// Helpers for tests that run the firmware's MqttConnection over real loopback TCP.
import mqttPacket from "mqtt-packet";
import { RealClock } from "../../host-sim/clock.js";
import { tcpSocketFactory } from "../../host-sim/net/sockets.js";
import { MqttConnection, type ConnectionOptions } from "../../src/mqtt/connection.js";
import type { SocketFactory } from "../../src/platform.js";
import { memoryLog } from "./mqtt-fake-socket.js";

export function textBytes(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "utf8"));
}

/**
 * Wraps a socket factory so a test can wait for what the broker sent: each packet the device
 * read, as mqtt-packet (an independent codec) parsed it, is pushed to `inbound` as its `cmd`
 * ("connack", "suback", "publish" ...).
 */
export function tapInbound(inner: SocketFactory, inbound: string[]): SocketFactory {
  return (options) => {
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on("packet", (p: mqttPacket.Packet) => inbound.push(p.cmd));
    parser.on("error", () => undefined); // a misbehaving broker's bytes: the device reports those itself
    const socket = inner(options);
    return {
      read: () => {
        const data = socket.read();
        if (data !== undefined) parser.parse(Buffer.from(data));
        return data;
      },
      write: (data) => socket.write(data),
      close: () => socket.close(),
    };
  };
}

export interface Device {
  conn: MqttConnection;
  clock: RealClock;
  log: ReturnType<typeof memoryLog>;
  reasons: string[];
  /** mqtt-packet's `cmd` of each packet the device read from the broker, in order. */
  inbound: string[];
  messages: { topic: string; payload: string; qos: number; retain: boolean }[];
  close(): void;
}

/** An MqttConnection on real time and real sockets (not started). */
export function device(port: number, extra: Partial<ConnectionOptions> = {}): Device {
  const clock = new RealClock();
  const log = memoryLog();
  const reasons: string[] = [];
  const inbound: string[] = [];
  const messages: Device["messages"] = [];
  const conn = new MqttConnection({
    resolve: (_h, cb) => cb("127.0.0.1"),
    timers: clock,
    clock,
    log,
    host: "127.0.0.1",
    port,
    clientId: `dev-${Math.random().toString(36).slice(2, 8)}`,
    keepalive: 10,
    reconnectMin: 50,
    reconnectMax: 400,
    onDisconnect: (r) => reasons.push(r),
    onMessage: (topic, payload, info) => messages.push({ topic, payload: Buffer.from(payload).toString(), ...info }),
    ...extra,
    socket: tapInbound(extra.socket ?? tcpSocketFactory(), inbound),
  });
  return {
    conn,
    clock,
    log,
    reasons,
    inbound,
    messages,
    close: () => {
      conn.stop();
      clock.clearAll();
    },
  };
}
