// Commands, Losant-compatible: a JSON object `{"name", "payload", "time"}` on the command
// topic. Every command gets exactly one acknowledgement, `{"name", "time", "ok", "message"}`
// (time echoed so a sender can match it). Bad JSON, an unknown name or a bad value is an
// error acknowledgement and changes nothing. Applications register their own with
// register(); the built-in ones are registered by src/device.ts.

export interface Command {
  readonly name: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly time?: number | string;
}

/** Returns the acknowledgement's message; throws (CommandError, RangeError) to refuse. */
export type CommandHandler = (payload: Readonly<Record<string, unknown>>, command: Command) => string;

export class CommandError extends Error {
  override name = "CommandError";
}

export interface Ack {
  readonly name?: string;
  readonly time?: number | string;
  readonly ok: boolean;
  readonly message: string;
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** A built-in command: a function in a module-level table (flash on the device), given its context. */
export type BuiltIn<C> = (context: C, payload: Readonly<Record<string, unknown>>) => string;

const NONE: Readonly<Record<string, BuiltIn<any>>> = Object.freeze({});

export class Commands<C = undefined> {
  /** Commands registered at run time; made on the first register() (none cost no RAM). */
  #handlers: Map<string, CommandHandler> | undefined;
  /** Commands received, and those refused. */
  readonly stats = { received: 0, failed: 0 };

  /** `builtIns`: a frozen module-level table, called with `context`; no closure per instance. */
  constructor(
    private readonly builtIns: Readonly<Record<string, BuiltIn<C>>> = NONE,
    private readonly context?: C,
  ) {}

  register(name: string, handler: CommandHandler): void {
    if (!NAME.test(name)) throw new RangeError(`command name "${name}" must be 1 to 64 letters, digits, _ . or -`);
    if (Object.hasOwn(this.builtIns, name) || this.#handlers?.has(name) === true) throw new RangeError(`command "${name}" is already registered`);
    (this.#handlers ??= new Map()).set(name, handler);
  }

  get names(): string[] {
    const names = Object.keys(this.builtIns);
    if (this.#handlers !== undefined) for (const name of this.#handlers.keys()) names.push(name);
    return names;
  }

  /** Parses and runs one command message; the result is its acknowledgement. */
  handle(text: string | undefined, onCommand?: (command: Command) => void): Ack {
    this.stats.received++;
    const parsed = parse(text);
    if ("message" in parsed) {
      this.stats.failed++;
      return parsed;
    }
    const command = parsed;
    const base = { name: command.name, ...(command.time !== undefined ? { time: command.time } : {}) };
    const builtIn = Object.hasOwn(this.builtIns, command.name) ? this.builtIns[command.name] : undefined;
    const handler = this.#handlers?.get(command.name);
    if (builtIn === undefined && handler === undefined) {
      this.stats.failed++;
      return { ...base, ok: false, message: `unknown command "${command.name}" (known: ${this.names.join(", ")})` };
    }
    onCommand?.(command);
    try {
      const message = builtIn !== undefined ? builtIn(this.context as C, command.payload) : handler!(command.payload, command);
      return { ...base, ok: true, message };
    } catch (error) {
      this.stats.failed++;
      return { ...base, ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  }
}

function parse(text: string | undefined): Command | Ack {
  if (text === undefined) return { ok: false, message: "command is not valid UTF-8" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: `command is not JSON: ${text.length > 40 ? `${text.slice(0, 40)}…` : text}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, message: "command must be a JSON object {\"name\", \"payload\", \"time\"}" };
  const o = value as Record<string, unknown>;
  const time = typeof o.time === "number" || typeof o.time === "string" ? o.time : undefined;
  const echo = time !== undefined ? { time } : {};
  if (typeof o.name !== "string" || !NAME.test(o.name)) return { ...echo, ok: false, message: "command needs a \"name\" (1 to 64 letters, digits, _ . or -)" };
  const payload = o.payload ?? {};
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    return { name: o.name, ...echo, ok: false, message: "payload must be a JSON object" };
  }
  return { name: o.name, payload: payload as Record<string, unknown>, ...echo };
}

export function ackPayload(ack: Ack): string {
  return JSON.stringify(ack);
}

/** A number field of the payload within [min, max]; otherwise a CommandError naming it. */
export function numberField(payload: Readonly<Record<string, unknown>>, field: string, min: number, max: number, step?: number): number {
  const v = payload[field];
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max || (step !== undefined && v % step !== 0)) {
    const rule = step !== undefined ? `a multiple of ${step} from ${min} to ${max}` : `a number from ${min} to ${max}`;
    throw new CommandError(`payload.${field} must be ${rule} (got ${show(v)})`);
  }
  return v;
}

export function choiceField<T extends string>(payload: Readonly<Record<string, unknown>>, field: string, options: readonly T[]): T {
  const v = payload[field];
  if (typeof v !== "string" || !options.includes(v as T)) throw new CommandError(`payload.${field} must be one of ${options.join(", ")} (got ${show(v)})`);
  return v as T;
}

export function booleanField(payload: Readonly<Record<string, unknown>>, field: string): boolean {
  const v = payload[field];
  if (typeof v !== "boolean") throw new CommandError(`payload.${field} must be true or false (got ${show(v)})`);
  return v;
}

function show(v: unknown): string {
  return v === undefined ? "nothing" : JSON.stringify(v) ?? String(v);
}
