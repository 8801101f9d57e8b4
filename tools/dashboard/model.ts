// What the dashboard knows about each device, built from the MQTT messages of the device
// API (docs/device-api.md): readings on the readings topic, and `<id>/status` (retained
// online/offline), `<id>/state` (retained JSON), `<id>/health` and `<id>/result` (the
// acknowledgement of a command). Pure: a message in, the event for the browsers out.
import { parseReading } from "../collector/parse.js";

export interface Point {
  /** Host arrival time, ms. */
  readonly at: number;
  readonly ts: number;
  readonly val: number | null;
  readonly seq: number | undefined;
}

export interface DeviceView {
  readonly id: string;
  status: string | undefined;
  state: unknown;
  health: unknown;
  readonly points: Point[];
  readonly results: unknown[];
}

export type DashEvent =
  | { readonly type: "reading"; readonly id: string; readonly point: Point }
  | { readonly type: "status"; readonly id: string; readonly status: string }
  | { readonly type: "state" | "health" | "result"; readonly id: string; readonly value: unknown }
  | { readonly type: "problem"; readonly message: string };

const SUBTOPICS = ["status", "state", "health", "result"] as const;
const RESULTS_KEPT = 20;

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export class DashboardModel {
  readonly devices = new Map<string, DeviceView>();

  constructor(private readonly readingsTopic: string, private readonly history: number) {}

  /** The subscriptions that feed this model. */
  topics(): string[] {
    return [this.readingsTopic, ...SUBTOPICS.map((s) => `+/${s}`)];
  }

  #device(id: string): DeviceView {
    let d = this.devices.get(id);
    if (d === undefined) {
      d = { id, status: undefined, state: undefined, health: undefined, points: [], results: [] };
      this.devices.set(id, d);
    }
    return d;
  }

  apply(topic: string, text: string, at: number): DashEvent | undefined {
    if (topic === this.readingsTopic) {
      const r = parseReading(text);
      if (!r.ok) return { type: "problem", message: `malformed reading on ${topic} ignored (${r.reason})` };
      const point: Point = { at, ts: r.reading.deviceTs, val: r.reading.value, seq: r.reading.seq };
      const d = this.#device(r.reading.sensorId);
      d.points.push(point);
      if (d.points.length > this.history) d.points.splice(0, d.points.length - this.history);
      return { type: "reading", id: d.id, point };
    }
    const slash = topic.lastIndexOf("/");
    const id = topic.slice(0, slash);
    const kind = topic.slice(slash + 1);
    if (slash <= 0 || !(SUBTOPICS as readonly string[]).includes(kind)) return undefined;
    if (kind === "status") {
      // An empty retained message clears the status [MQTT-3.3.1-10].
      const d = this.#device(id);
      d.status = text === "" ? undefined : text;
      return { type: "status", id, status: text };
    }
    const value = json(text);
    if (value === undefined) return { type: "problem", message: `malformed JSON on ${topic} ignored` };
    const d = this.#device(id);
    if (kind === "state") d.state = value;
    else if (kind === "health") d.health = value;
    else {
      d.results.push(value);
      if (d.results.length > RESULTS_KEPT) d.results.shift();
    }
    return { type: kind as "state" | "health" | "result", id, value };
  }

  snapshot(): DeviceView[] {
    return [...this.devices.values()];
  }
}

/** A command from the page: checked here, so the broker only ever sees a contract-shaped one. */
export function commandMessage(body: unknown): { topic: string; message: string } | string {
  if (typeof body !== "object" || body === null) return "the command must be a JSON object";
  const { id, name, payload, time } = body as Record<string, unknown>;
  if (typeof id !== "string" || id === "" || /[+#/\u0000]/.test(id)) return "id must be a device id (no /, + or #)";
  if (typeof name !== "string" || !/^[a-z_]{1,40}$/.test(name)) return "name must be a command name such as set_interval";
  if (payload !== undefined && (typeof payload !== "object" || payload === null || Array.isArray(payload))) return "payload must be a JSON object";
  if (typeof time !== "number" || !Number.isSafeInteger(time)) return "time must be a whole number of milliseconds";
  return { topic: `${id}/command`, message: JSON.stringify({ name, payload: payload ?? {}, time }) };
}
