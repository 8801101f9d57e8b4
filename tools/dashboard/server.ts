// The dashboard's web server: the static page (tools/dashboard/public), a Server-Sent
// Events stream of the model's events (/events: a snapshot first, then each change), and
// POST /command, which publishes a checked command to `<id>/command` at QoS 1. Binds to
// loopback by default: the page can command devices, so it is not for the open network.
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { extname, join } from "node:path";
import { connect, type MqttClient } from "mqtt";
import { commandMessage, DashboardModel, type DashEvent } from "./model.js";

export interface DashboardOptions {
  readonly mqttHost: string;
  readonly mqttPort: number;
  readonly topic: string;
  readonly httpHost: string;
  readonly httpPort: number;
  readonly history: number;
  readonly log: (line: string) => void;
}

export interface Dashboard {
  readonly url: string;
  readonly mqtt: MqttClient;
  close(): Promise<void>;
}

const PUBLIC = new URL("../../../tools/dashboard/public/", import.meta.url).pathname;
const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };
const FILES = new Set(["index.html", "app.js", "chart.js", "style.css"]);

function send(res: ServerResponse, code: number, body: string, type = "application/json; charset=utf-8"): void {
  res.writeHead(code, { "content-type": type, "cache-control": "no-store" });
  res.end(body);
}

async function body(req: IncomingMessage, limit = 16 * 1024): Promise<string> {
  let text = "";
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > limit) throw new Error("request body too large");
  }
  return text;
}

export async function startDashboard(o: DashboardOptions): Promise<Dashboard> {
  const model = new DashboardModel(o.topic, o.history);
  const streams = new Set<ServerResponse>();
  const broadcast = (event: string, data: unknown) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const s of streams) s.write(frame);
  };
  const emit = (e: DashEvent) => broadcast(e.type, e);

  const mqtt = connect({ host: o.mqttHost, port: o.mqttPort, protocolVersion: 4, clientId: `luxflow-dashboard-${process.pid}`, reconnectPeriod: 1000 });
  let problem = "";
  mqtt.on("connect", () => {
    problem = "";
    mqtt.subscribe(model.topics(), { qos: 1 }, (error) => {
      if (error) o.log(`subscribe failed: ${error.message}`);
      else o.log(`connected to mqtt://${o.mqttHost}:${o.mqttPort}, subscribed to ${model.topics().join(" ")}`);
    });
    broadcast("broker", { connected: true });
  });
  mqtt.on("offline", () => broadcast("broker", { connected: false }));
  mqtt.on("error", (e) => {
    if (e.message !== problem) o.log(`mqtt: ${e.message}`);
    problem = e.message;
  });
  // A device seen without a status gets its status topic subscribed once more: a new
  // subscription delivers the retained status [MQTT-3.3.1-6]. (aedes, the simulator's
  // embedded broker, sometimes does not forward a board's birth message to a `+/status`
  // subscription made before the board connected; mosquitto does.)
  const asked = new Set<string>();
  mqtt.on("message", (topic, payload) => {
    const e = model.apply(topic, payload.toString("utf8"), Date.now());
    if (e?.type === "problem") o.log(e.message);
    if (e === undefined || e.type === "problem") return;
    emit(e);
    if (e.type !== "status" && model.devices.get(e.id)?.status === undefined && !asked.has(e.id)) {
      asked.add(e.id);
      mqtt.subscribe(`${e.id}/status`, { qos: 1 });
    }
  });

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((e: Error) => send(res, 500, JSON.stringify({ error: e.message })));
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method === "GET" && path === "/events") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
      res.write(`event: snapshot\ndata: ${JSON.stringify({ devices: model.snapshot(), broker: mqtt.connected, topic: o.topic })}\n\n`);
      streams.add(res);
      req.on("close", () => streams.delete(res));
      return;
    }
    if (req.method === "POST" && path === "/command") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await body(req));
      } catch (e) {
        return send(res, 400, JSON.stringify({ error: `not a JSON object: ${(e as Error).message}` }));
      }
      const command = commandMessage(parsed);
      if (typeof command === "string") return send(res, 400, JSON.stringify({ error: command }));
      // QoS 1: while the broker is away mqtt.js keeps it and sends it on reconnect.
      mqtt.publish(command.topic, command.message, { qos: 1 });
      o.log(`command to ${command.topic}: ${command.message}`);
      return send(res, 202, JSON.stringify({ ...command, brokerConnected: mqtt.connected }));
    }
    if (req.method === "GET") {
      const name = path === "/" ? "index.html" : path.slice(1);
      if (FILES.has(name)) return send(res, 200, await readFile(join(PUBLIC, name), "utf8"), TYPES[extname(name)]);
    }
    send(res, 404, JSON.stringify({ error: `no ${req.method} ${path}` }));
  }
  const keepalive = setInterval(() => { for (const s of streams) s.write(": keepalive\n\n"); }, 15_000);
  await new Promise<void>((resolve, reject) => { server.once("error", reject); server.listen(o.httpPort, o.httpHost, () => resolve()); });
  const a = server.address();
  const port = typeof a === "object" && a !== null ? a.port : o.httpPort;
  return {
    url: `http://${o.httpHost}:${port}/`,
    mqtt,
    close: async () => {
      clearInterval(keepalive);
      for (const s of streams) s.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mqtt.endAsync(true);
    },
  };
}
