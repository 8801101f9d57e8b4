// Helpers for tests that run the firmware's MqttConnection over real loopback TCP.
import { RealClock } from "../../host-sim/clock.js";
import { tcpSocketFactory } from "../../host-sim/net/sockets.js";
import { MqttConnection, type ConnectionOptions } from "../../src/mqtt/connection.js";
import { memoryLog } from "./mqtt-fake-socket.js";

export function textBytes(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "utf8"));
}

/** Polls `condition` every 10 ms; rejects with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Device {
  conn: MqttConnection;
  clock: RealClock;
  log: ReturnType<typeof memoryLog>;
  reasons: string[];
  messages: { topic: string; payload: string; qos: number; retain: boolean }[];
  close(): void;
}

/** An MqttConnection on real time and real sockets (not started). */
export function device(port: number, extra: Partial<ConnectionOptions> = {}): Device {
  const clock = new RealClock();
  const log = memoryLog();
  const reasons: string[] = [];
  const messages: Device["messages"] = [];
  const conn = new MqttConnection({
    socket: tcpSocketFactory(), resolve: (_h, cb) => cb("127.0.0.1"), timers: clock, clock, log,
    host: "127.0.0.1", port, clientId: `dev-${Math.random().toString(36).slice(2, 8)}`, keepalive: 10,
    reconnectMin: 50, reconnectMax: 400,
    onDisconnect: (r) => reasons.push(r),
    onMessage: (topic, payload, info) => messages.push({ topic, payload: Buffer.from(payload).toString(), ...info }),
    ...extra,
  });
  return { conn, clock, log, reasons, messages, close: () => { conn.stop(); clock.clearAll(); } };
}
