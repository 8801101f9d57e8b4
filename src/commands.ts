// Commands, Losant-compatible: a JSON object `{"name", "payload", "time"}` on the command
// topic. Every command gets exactly one acknowledgement, `{"name", "time", "ok", "message"}`
// (time echoed so a sender can match it). Bad JSON, an unknown name or a bad value is an
// error acknowledgement and changes nothing. Applications register their own with
// register(); the built-in ones are registered by src/device.ts. JSON nested deeper than
// MAX_DEPTH is refused before it is parsed (a cheap scan): deep nesting would exhaust the
// parser's native stack on the device. A command the caller's gate ignores (retained, or run
// before) is answered `"ignored": true` and does not run (src/device.ts decides which).

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
  /** Present (true) when the command was not run because the gate ignored it. */
  readonly ignored?: true;
  readonly message: string;
}

/** Decides, per message, whether a command runs. */
export interface CommandGate {
  /**
   * Why this message is not run (it is answered as ignored), or undefined to go on; `command` is undefined when it did
   * not parse.
   */
  ignore(command: Command | undefined): string | undefined;
  /** The command is about to run. */
  running(command: Command): void;
}

/** Deepest JSON nesting a command may have ({"payload": {…}} is 2). */
export const MAX_DEPTH = 16;

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** A built-in command: a function in a module-level table (flash on the device), given its context. */
export type BuiltIn<C> = (context: C, payload: Readonly<Record<string, unknown>>) => string;

const NONE: Readonly<Record<string, BuiltIn<any>>> = Object.freeze({});

export class Commands<C = undefined> {
  /** Commands registered at run time; made on the first register() (none cost no RAM). */
  #handlers: Map<string, CommandHandler> | undefined;
  /** Commands received, those refused, and those ignored by the gate. */
  readonly stats = { received: 0, failed: 0, ignored: 0 };

  /** `builtIns`: a frozen module-level table shared by every instance, called with `context` (docs/xs-memory.md). */
  constructor(
    private readonly builtIns: Readonly<Record<string, BuiltIn<C>>> = NONE,
    private readonly context?: C,
  ) {}

  register(name: string, handler: CommandHandler): void {
    if (!NAME.test(name)) throw new RangeError(`command name "${name}" must be 1 to 64 letters, digits, _ . or -`);
    if (Object.hasOwn(this.builtIns, name) || this.#handlers?.has(name) === true)
      throw new RangeError(`command "${name}" is already registered`);
    (this.#handlers ??= new Map()).set(name, handler);
  }

  get names(): string[] {
    const names = Object.keys(this.builtIns);
    if (this.#handlers !== undefined) for (const name of this.#handlers.keys()) names.push(name);
    return names;
  }

  /** Parses and runs one command message (unless `gate` ignores it); the result is its acknowledgement. */
  handle(text: string | undefined, gate?: CommandGate): Ack {
    this.stats.received++;
    const parsed = parse(text);
    const command = "message" in parsed ? undefined : parsed;
    const ignored = gate?.ignore(command);
    if (ignored !== undefined) {
      this.stats.ignored++;
      return { ...echo(parsed), ok: false, ignored: true, message: ignored };
    }
    if (command === undefined) {
      this.stats.failed++;
      return parsed as Ack;
    }
    const base = echo(command);
    const builtIn = Object.hasOwn(this.builtIns, command.name) ? this.builtIns[command.name] : undefined;
    const handler = this.#handlers?.get(command.name);
    if (builtIn === undefined && handler === undefined) {
      this.stats.failed++;
      return { ...base, ok: false, message: `unknown command "${command.name}" (known: ${this.names.join(", ")})` };
    }
    gate?.running(command);
    try {
      const message =
        builtIn !== undefined ? builtIn(this.context as C, command.payload) : handler!(command.payload, command);
      return { ...base, ok: true, message };
    } catch (error) {
      this.stats.failed++;
      return { ...base, ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  }
}

/** The name and time of a command (or of a refusal that knows them), for its acknowledgement. */
function echo(c: { readonly name?: string; readonly time?: number | string }): {
  name?: string;
  time?: number | string;
} {
  const out: { name?: string; time?: number | string } = {};
  if (c.name !== undefined) out.name = c.name;
  if (c.time !== undefined) out.time = c.time;
  return out;
}

/**
 * Whether JSON text nests arrays/objects deeper than `limit`, found without parsing. Text with
 * at most `limit` opening brackets cannot (counted with indexOf: native, and nearly every
 * command has two or three); only other text is walked, skipping brackets inside strings.
 */
export function nestsDeeper(text: string, limit: number): boolean {
  let openings = 0;
  for (let i = text.indexOf("{"); i >= 0 && openings <= limit; i = text.indexOf("{", i + 1)) openings++;
  for (let i = text.indexOf("["); i >= 0 && openings <= limit; i = text.indexOf("[", i + 1)) openings++;
  if (openings <= limit) return false;
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === 92)
        i++; // a backslash escapes the next character
      else if (c === 34) quoted = false;
    } else if (c === 34) quoted = true;
    else if (c === 123 || c === 91) {
      if (++depth > limit) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

function parse(text: string | undefined): Command | Ack {
  if (text === undefined) return { ok: false, message: "command is not valid UTF-8" };
  if (nestsDeeper(text, MAX_DEPTH))
    return { ok: false, message: `command nests JSON deeper than ${MAX_DEPTH} levels: refused unparsed` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: `command is not JSON: ${text.length > 40 ? `${text.slice(0, 40)}…` : text}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { ok: false, message: 'command must be a JSON object {"name", "payload", "time"}' };
  const o = value as Record<string, unknown>;
  const time = typeof o.time === "number" || typeof o.time === "string" ? o.time : undefined;
  const echo = time !== undefined ? { time } : {};
  if (typeof o.name !== "string" || !NAME.test(o.name))
    return { ...echo, ok: false, message: 'command needs a "name" (1 to 64 letters, digits, _ . or -)' };
  const payload = o.payload ?? {};
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    return { name: o.name, ...echo, ok: false, message: "payload must be a JSON object" };
  }
  return { name: o.name, payload: payload as Record<string, unknown>, ...echo };
}

/**
 * A command's identity for at-most-once: FNV-1a (32 bits, as a signed integer, which any
 * `preference` stores) of its name and time; undefined without a time (nothing identifies it).
 */
export function commandKey(command: Command): number | undefined {
  const time = command.time;
  if (time === undefined) return undefined;
  const text = `${command.name}\u0000${typeof time === "number" ? "n" : "s"}${time}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}

export function ackPayload(ack: Ack): string {
  return JSON.stringify(ack);
}

/** A number field of the payload within [min, max]; otherwise a CommandError naming it. */
export function numberField(
  payload: Readonly<Record<string, unknown>>,
  field: string,
  min: number,
  max: number,
  step?: number,
): number {
  const v = payload[field];
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max || (step !== undefined && v % step !== 0)) {
    const rule = step !== undefined ? `a multiple of ${step} from ${min} to ${max}` : `a number from ${min} to ${max}`;
    throw new CommandError(`payload.${field} must be ${rule} (got ${show(v)})`);
  }
  return v;
}

export function choiceField<T extends string>(
  payload: Readonly<Record<string, unknown>>,
  field: string,
  options: readonly T[],
): T {
  const v = payload[field];
  if (typeof v !== "string" || !options.includes(v as T))
    throw new CommandError(`payload.${field} must be one of ${options.join(", ")} (got ${show(v)})`);
  return v as T;
}

export function booleanField(payload: Readonly<Record<string, unknown>>, field: string): boolean {
  const v = payload[field];
  if (typeof v !== "boolean") throw new CommandError(`payload.${field} must be true or false (got ${show(v)})`);
  return v;
}

function show(v: unknown): string {
  return v === undefined ? "nothing" : (JSON.stringify(v) ?? String(v));
}
