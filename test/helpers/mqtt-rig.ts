// One MqttConnection on the scripted fake socket and virtual time, with its log, disconnect
// reasons and received messages collected: the rig the client's unit tests share. Each test
// file gives the options it is about (clean, backoff, hooks) over these defaults.
import { VirtualClock } from "../../host-sim/clock.js";
import { MqttConnection, type ConnectionOptions } from "../../src/mqtt/connection.js";
import { fakeNetwork, memoryLog } from "./mqtt-fake-socket.js";

export const text = (s: string): Uint8Array => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));
export const str = (b: Uint8Array): string => String.fromCharCode(...b);

type MessageLine = (topic: string, payload: Uint8Array, info: { qos: number }) => string;

export function connectionRig(
  options: Partial<ConnectionOptions>,
  line: MessageLine = (topic, payload) => `${topic} ${str(payload)}`,
) {
  const clock = new VirtualClock(0);
  const net = fakeNetwork();
  const log = memoryLog();
  const reasons: string[] = [];
  const got: string[] = [];
  const conn = new MqttConnection({
    socket: net.factory,
    resolve: (_h, cb) => cb("127.0.0.1"),
    timers: clock,
    clock,
    log,
    random: () => 0,
    host: "127.0.0.1",
    port: 1883,
    clientId: "lux-1",
    keepalive: 30,
    onMessage: (topic, payload, info) => got.push(line(topic, payload, info)),
    onDisconnect: (r) => reasons.push(r),
    ...options,
  });
  return { clock, net, log, reasons, got, conn };
}
