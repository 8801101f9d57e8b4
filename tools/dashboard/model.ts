// What the dashboard knows about each device, built from the MQTT messages of the device
// API (docs/device-api.md): readings on the readings topic, and `<id>/status` (retained
// online/offline), `<id>/state` (retained JSON), `<id>/health` and `<id>/result` (the
// acknowledgement of a command); with payload_format=losant, readings and state both on
// `losant/<device id>/state`. Anyone who can publish can invent devices, so the model holds
// at most `maxDevices` (the least recently heard goes first) and forgets a device silent for
// `ttlMs`. Pure: a message in, the event for the browsers out.
import { parseReading } from "../collector/parse.js";

export interface Point {
  /** Host arrival time, ms. */
  readonly at: number;
  readonly ts: number | null;
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
  /** Host time the device was last heard of, ms. */
  heard: number;
}

export type DashEvent =
  | { readonly type: "reading"; readonly id: string; readonly point: Point }
  | { readonly type: "status"; readonly id: string; readonly status: string }
  | { readonly type: "state" | "health" | "result"; readonly id: string; readonly value: unknown }
  | { readonly type: "problem"; readonly message: string };

export interface ModelLimits {
  readonly maxDevices: number;
  readonly ttlMs: number;
  readonly payloadFormat?: "thingflow" | "json" | "losant";
}

const SUBTOPICS = ["status", "state", "health", "result"] as const;
const RESULTS_KEPT = 20;
export const DEFAULT_LIMITS: ModelLimits = Object.freeze({ maxDevices: 200, ttlMs: 60 * 60_000 });

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const LOSANT_STATE = /^losant\/([^/+#]+)\/state$/;

export class DashboardModel {
  /** In order of last heard, least recent first. */
  readonly devices = new Map<string, DeviceView>();
  #removed: string[] = [];
  readonly #limits: ModelLimits;

  constructor(
    private readonly readingsTopic: string,
    private readonly history: number,
    limits: ModelLimits = DEFAULT_LIMITS,
  ) {
    this.#limits = limits;
  }

  get losant(): boolean {
    return this.#limits.payloadFormat === "losant";
  }

  /** The subscriptions that feed this model. */
  topics(): string[] {
    if (this.losant) return ["losant/+/state", ...SUBTOPICS.filter((s) => s !== "state").map((s) => `+/${s}`)];
    return [this.readingsTopic, ...SUBTOPICS.map((s) => `+/${s}`)];
  }

  #device(id: string, at: number): DeviceView {
    let d = this.devices.get(id);
    if (d === undefined) {
      d = { id, status: undefined, state: undefined, health: undefined, points: [], results: [], heard: at };
      while (this.devices.size >= this.#limits.maxDevices) {
        const oldest = this.devices.keys().next().value!;
        this.devices.delete(oldest);
        this.#removed.push(oldest);
      }
    } else {
      this.devices.delete(id);
      d.heard = Math.max(d.heard, at);
    }
    this.devices.set(id, d);
    return d;
  }

  /** Devices dropped to make room since the last call. */
  drainRemoved(): string[] {
    const r = this.#removed;
    this.#removed = [];
    return r;
  }

  /** Forgets devices not heard of for ttlMs; returns their ids. */
  expire(now: number): string[] {
    const gone: string[] = [];
    for (const [id, d] of this.devices) if (now - d.heard >= this.#limits.ttlMs) gone.push(id);
    for (const id of gone) this.devices.delete(id);
    return gone;
  }

  #reading(topic: string, text: string, at: number): DashEvent | undefined {
    const r = parseReading(text, topic);
    if (!r.ok)
      return r.ignore ? undefined : { type: "problem", message: `malformed reading on ${topic} ignored (${r.reason})` };
    const point: Point = { at, ts: r.reading.deviceTs, val: r.reading.value, seq: r.reading.seq };
    const d = this.#device(r.reading.sensorId, at);
    d.points.push(point);
    if (d.points.length > this.history) d.points.splice(0, d.points.length - this.history);
    return { type: "reading", id: d.id, point };
  }

  apply(topic: string, text: string, at: number): DashEvent | undefined {
    if (!this.losant && topic === this.readingsTopic) return this.#reading(topic, text, at);
    const losant = this.losant ? LOSANT_STATE.exec(topic) : null;
    if (losant !== null) {
      // One topic for readings and state: a reading has data.lux; the rest is the state.
      const e = this.#reading(topic, text, at);
      if (e !== undefined) return e;
      const value = json(text) as { data?: unknown } | undefined;
      const d = this.#device(losant[1]!, at);
      d.state = value;
      return { type: "state", id: d.id, value };
    }
    const slash = topic.lastIndexOf("/");
    const id = topic.slice(0, slash);
    const kind = topic.slice(slash + 1);
    if (slash <= 0 || !(SUBTOPICS as readonly string[]).includes(kind)) return undefined;
    if (kind === "status") {
      // An empty retained message clears the status [MQTT-3.3.1-10].
      const d = this.#device(id, at);
      d.status = text === "" ? undefined : text;
      return { type: "status", id, status: text };
    }
    const value = json(text);
    if (value === undefined) return { type: "problem", message: `malformed JSON on ${topic} ignored` };
    const d = this.#device(id, at);
    if (kind === "state") d.state = value;
    else if (kind === "health") d.health = value;
    else {
      d.results.push(value);
      if (d.results.length > RESULTS_KEPT) d.results.shift();
    }
    return { type: kind as "state" | "health" | "result", id, value };
  }

  /** Readings from storage (oldest first), put before what arrived live. */
  prependHistory(id: string, points: readonly Point[]): void {
    const d = this.#device(id, points.at(-1)?.at ?? 0);
    const first = d.points[0]?.at ?? Infinity;
    const older = points.filter((p) => p.at < first);
    d.points.unshift(...older);
    if (d.points.length > this.history) d.points.splice(0, d.points.length - this.history);
  }

  snapshot(): DeviceView[] {
    return [...this.devices.values()];
  }
}

/** The commands the page offers, and the payload each takes: nothing else is sent. */
export const PAGE_COMMANDS: Readonly<Record<string, (p: Record<string, unknown>) => string | undefined>> =
  Object.freeze({
    set_interval: (p) =>
      Object.keys(p).length === 1 && typeof p.seconds === "number" && p.seconds >= 0.1 && p.seconds <= 86400
        ? undefined
        : "set_interval takes {seconds} from 0.1 to 86400",
    set_gain: (p) =>
      Object.keys(p).length === 1 && ["low", "medium", "high", "max"].includes(p.gain as string)
        ? undefined
        : "set_gain takes {gain}: low, medium, high or max",
    identify: (p) => (Object.keys(p).length === 0 ? undefined : "identify takes no payload"),
  });

/** A command from the page: checked here, so the broker only ever sees one the page offers, contract-shaped. */
export function commandMessage(body: unknown, losant = false): { topic: string; message: string } | string {
  if (typeof body !== "object" || body === null) return "the command must be a JSON object";
  const { id, name, payload, time } = body as Record<string, unknown>;
  if (typeof id !== "string" || id === "" || id.length > 256 || /[+#/\u0000]/.test(id))
    return "id must be a device id (no /, + or #)";
  if (typeof name !== "string" || !/^[a-z_]{1,40}$/.test(name))
    return "name must be a command name such as set_interval";
  if (payload !== undefined && (typeof payload !== "object" || payload === null || Array.isArray(payload)))
    return "payload must be a JSON object";
  if (typeof time !== "number" || !Number.isSafeInteger(time)) return "time must be a whole number of milliseconds";
  const check = Object.hasOwn(PAGE_COMMANDS, name) ? PAGE_COMMANDS[name] : undefined;
  if (check === undefined) return `${name} is not one this dashboard sends (${Object.keys(PAGE_COMMANDS).join(", ")})`;
  const problem = check((payload ?? {}) as Record<string, unknown>);
  if (problem !== undefined) return problem;
  return {
    topic: losant ? `losant/${id}/command` : `${id}/command`,
    message: JSON.stringify({ name, payload: payload ?? {}, time }),
  };
}
