// The dashboard's web server: the static page (tools/dashboard/public), a Server-Sent
// Events stream of the model's events (/events: a snapshot first, then each change), and
// POST /command, which publishes a checked command to `<id>/command` at QoS 1.
// The page can command devices, so every request is checked: the Host header must name this
// server (a DNS-rebinding page names its own), a command needs this process's token (in the
// page's <meta>, sent back as a header a cross-origin page cannot set without a CORS
// preflight, which is never granted), an Origin that is not the page's own is refused, and
// only the commands the page offers pass. On loopback by default; beyond it, a password
// (HTTP Basic, RFC 7617) and TLS are required (or plain HTTP explicitly allowed).
import { randomBytes, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { extname, join } from "node:path";
import { connect, type MqttClient } from "mqtt";
import { commandMessage, DashboardModel, DEFAULT_LIMITS, type DashEvent } from "./model.js";
import { History } from "./history.js";

export interface DashboardOptions {
  readonly mqttHost: string;
  readonly mqttPort: number;
  readonly topic: string;
  readonly httpHost: string;
  readonly httpPort: number;
  readonly history: number;
  readonly log: (line: string) => void;
  readonly payloadFormat?: "thingflow" | "json" | "losant";
  /** Further names the page may be reached by (Host header), e.g. the machine's DNS name. */
  readonly allowedHosts?: readonly string[];
  /** HTTP Basic password (any user name); required beyond loopback. */
  readonly password?: string;
  /** PEM files; required beyond loopback unless `insecure`. */
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly insecure?: boolean;
  readonly maxDevices?: number;
  readonly deviceTtlMs?: number;
  /** PostgreSQL URL of the collector's table: the page opens with the last hour from it. */
  readonly db?: string;
  readonly dbTable?: string;
}

export interface Dashboard {
  readonly url: string;
  readonly mqtt: MqttClient;
  /** The per-process token the page sends with each command. */
  readonly token: string;
  devices(): number;
  close(): Promise<void>;
}

const PUBLIC = new URL("../../../tools/dashboard/public/", import.meta.url).pathname;
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};
const FILES = new Set(["index.html", "app.js", "chart.js", "style.css"]);
const HEADERS = {
  "cache-control": "no-store",
  "content-security-policy":
    "default-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};

function send(
  res: ServerResponse,
  code: number,
  body: string,
  type = "application/json; charset=utf-8",
  extra: Record<string, string> = {},
): void {
  res.writeHead(code, { ...HEADERS, "content-type": type, ...extra });
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

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export async function startDashboard(o: DashboardOptions): Promise<Dashboard> {
  const tls = o.tlsCert !== undefined && o.tlsKey !== undefined && o.tlsCert !== "" && o.tlsKey !== "";
  if (!isLoopback(o.httpHost)) {
    if (o.password === undefined || o.password === "")
      throw new Error(
        `http_host=${o.httpHost} is beyond loopback: set http_password (and http_tls_cert and http_tls_key), since the page can command devices`,
      );
    if (!tls && o.insecure !== true)
      throw new Error(
        `http_host=${o.httpHost} without TLS would send the password in clear: give http_tls_cert and http_tls_key, or http_insecure=1`,
      );
  }
  const token = randomBytes(24).toString("base64url");
  const model = new DashboardModel(o.topic, o.history, {
    maxDevices: o.maxDevices ?? DEFAULT_LIMITS.maxDevices,
    ttlMs: o.deviceTtlMs ?? DEFAULT_LIMITS.ttlMs,
    payloadFormat: o.payloadFormat ?? "thingflow",
  });
  const history = o.db ? new History(o.db, o.dbTable ?? "luxflow_readings", o.history, o.log) : undefined;
  const streams = new Set<ServerResponse>();
  const broadcast = (event: string, data: unknown) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const s of streams) s.write(frame);
  };
  const emit = (e: DashEvent) => broadcast(e.type, e);
  const removed = (ids: string[]) => {
    if (ids.length > 0) broadcast("removed", { ids });
  };

  const mqtt = connect({
    host: o.mqttHost,
    port: o.mqttPort,
    protocolVersion: 4,
    clientId: `luxflow-dashboard-${process.pid}-${token.slice(0, 6)}`,
    reconnectPeriod: 1000,
  });
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
    removed(model.drainRemoved());
    if (e?.type === "problem") o.log(e.message);
    if (e === undefined || e.type === "problem") return;
    emit(e);
    if (
      e.type !== "status" &&
      model.devices.get(e.id)?.status === undefined &&
      !asked.has(e.id) &&
      asked.size < 10_000
    ) {
      asked.add(e.id);
      mqtt.subscribe(`${e.id}/status`, { qos: 1 });
    }
  });
  const sweep = setInterval(
    () => removed(model.expire(Date.now())),
    Math.min(60_000, Math.max(1000, (o.deviceTtlMs ?? DEFAULT_LIMITS.ttlMs) / 4)),
  );

  let port = o.httpPort;
  const scheme = tls ? "https" : "http";
  const names = () => {
    const hosts = ["localhost", "127.0.0.1", "[::1]", ...(o.allowedHosts ?? [])];
    if (o.httpHost !== "0.0.0.0" && o.httpHost !== "::")
      hosts.push(o.httpHost.includes(":") ? `[${o.httpHost}]` : o.httpHost);
    return new Set(
      hosts.flatMap((h) => (/:\d+$/.test(h) && !h.endsWith("]") ? [h.toLowerCase()] : [`${h.toLowerCase()}:${port}`])),
    );
  };
  let allowed = new Set<string>();

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res).catch((e: Error) => send(res, 500, JSON.stringify({ error: e.message })));
  };
  const server: Server = tls
    ? createTlsServer({ cert: readFileSync(o.tlsCert!), key: readFileSync(o.tlsKey!) }, handler)
    : createServer(handler);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = (req.headers.host ?? "").toLowerCase();
    // DNS rebinding: a foreign page that resolves its own name to this address still says its name.
    if (!allowed.has(host))
      return send(
        res,
        421,
        JSON.stringify({ error: `host ${host || "(none)"} is not this dashboard (http_allowed_hosts adds names)` }),
      );
    if (o.password !== undefined && o.password !== "") {
      const auth = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? "");
      const given = auth === null ? "" : Buffer.from(auth[1]!, "base64").toString("utf8");
      if (!same(given.slice(given.indexOf(":") + 1), o.password) || !given.includes(":")) {
        return send(res, 401, JSON.stringify({ error: "password required" }), undefined, {
          "www-authenticate": 'Basic realm="luxflow dashboard", charset="UTF-8"',
        });
      }
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    if (req.method === "GET" && path === "/events") {
      if (!same(url.searchParams.get("token") ?? "", token))
        return send(res, 403, JSON.stringify({ error: "missing or wrong token" }));
      const past = history ? await history.lastHour() : undefined;
      if (past) for (const [id, points] of past) model.prependHistory(id, points);
      removed(model.drainRemoved());
      res.writeHead(200, { ...HEADERS, "content-type": "text/event-stream", connection: "keep-alive" });
      res.write(
        `event: snapshot\ndata: ${JSON.stringify({ devices: model.snapshot(), broker: mqtt.connected, topic: o.topic, windowSeconds: past ? 3600 : undefined })}\n\n`,
      );
      streams.add(res);
      req.on("close", () => streams.delete(res));
      return;
    }
    if (path === "/command") {
      if (req.method !== "POST")
        return send(res, 405, JSON.stringify({ error: "POST only" }), undefined, { allow: "POST" });
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `${scheme}://${host}`)
        return send(res, 403, JSON.stringify({ error: `origin ${origin} is not this dashboard's` }));
      const site = req.headers["sec-fetch-site"];
      if (site !== undefined && site !== "same-origin" && site !== "none")
        return send(res, 403, JSON.stringify({ error: `a ${String(site)} request may not send commands` }));
      if (!same(String(req.headers["x-luxflow-token"] ?? ""), token))
        return send(res, 403, JSON.stringify({ error: "missing or wrong x-luxflow-token (reload the page)" }));
      if (!/^application\/json\b/.test(req.headers["content-type"] ?? ""))
        return send(res, 415, JSON.stringify({ error: "content-type must be application/json" }));
      let parsed: unknown;
      try {
        parsed = JSON.parse(await body(req));
      } catch (e) {
        return send(res, 400, JSON.stringify({ error: `not a JSON object: ${(e as Error).message}` }));
      }
      const command = commandMessage(parsed, model.losant);
      if (typeof command === "string") return send(res, 400, JSON.stringify({ error: command }));
      // QoS 1: while the broker is away mqtt.js keeps it and sends it on reconnect.
      mqtt.publish(command.topic, command.message, { qos: 1 });
      o.log(`command to ${command.topic}: ${command.message}`);
      return send(res, 202, JSON.stringify({ ...command, brokerConnected: mqtt.connected }));
    }
    if (req.method === "GET") {
      const name = path === "/" ? "index.html" : path.slice(1);
      if (FILES.has(name)) {
        let text = await readFile(join(PUBLIC, name), "utf8");
        if (name === "index.html")
          text = text.replace("</head>", `<meta name="luxflow-token" content="${token}">\n</head>`);
        return send(res, 200, text, TYPES[extname(name)]);
      }
    }
    send(res, 404, JSON.stringify({ error: `no ${req.method} ${path}` }));
  }
  const keepalive = setInterval(() => {
    for (const s of streams) s.write(": keepalive\n\n");
  }, 15_000);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.httpPort, o.httpHost, () => resolve());
  });
  const a = server.address();
  port = typeof a === "object" && a !== null ? a.port : o.httpPort;
  allowed = names();
  const shown = o.httpHost.includes(":") ? `[${o.httpHost}]` : o.httpHost;
  return {
    url: `${scheme}://${shown}:${port}/`,
    mqtt,
    token,
    devices: () => model.devices.size,
    close: async () => {
      clearInterval(keepalive);
      clearInterval(sweep);
      for (const s of streams) s.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mqtt.endAsync(true);
      await history?.close();
    },
  };
}
