// The benchmark's subscriber, a process of its own as a user's backend would be: subscribes
// to the readings at QoS 1 and reports, in batches over IPC, [sensor_id, seq, arrival] for
// each (arrival = performance.timeOrigin + performance.now(), comparable across processes).
import { connect } from "mqtt";

const [port, topic] = process.argv.slice(2);
const client = connect({
  host: "127.0.0.1",
  port: Number(port),
  protocolVersion: 4,
  clientId: `fleet-bench-sub-${process.pid}`,
  clean: true,
});
let batch: [string, number, number][] = [];
client.on("message", (_topic, payload) => {
  const at = performance.timeOrigin + performance.now();
  const r = JSON.parse(payload.toString("utf8")) as { sensor_id: string; seq: number };
  batch.push([r.sensor_id, r.seq, at]);
});
client.on("connect", () => client.subscribe(topic!, { qos: 1 }, () => process.send!({ ready: true })));
setInterval(() => {
  if (batch.length === 0) return;
  process.send!({ batch });
  batch = [];
}, 100);
process.on("message", (m: { cpu?: boolean; ping?: number }) => {
  if (m.cpu) process.send!({ cpu: process.cpuUsage() });
  if (m.ping !== undefined) process.send!({ pong: m.ping, at: performance.timeOrigin + performance.now() });
});
process.on("disconnect", () => process.exit(0));
