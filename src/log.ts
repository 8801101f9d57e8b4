// One readable line per event. On the device the lines go to `trace` (the xsbug console or
// serial); the host simulator prints them to stderr. Secrets never pass through here.
// Messages carry outside data (commands, topics, broker replies, configuration values), so
// every line goes through printable(): a message can never start a line of its own or steer
// a terminal.
import type { Logger } from "./platform.js";

/**
 * C0 and C1 controls, DEL, the line and paragraph separators, and the bidirectional overrides (not global: no state).
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function escaped(c: string): string {
  if (c === "\n") return "\\n";
  if (c === "\r") return "\\r";
  if (c === "\t") return "\\t";
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16)}`;
}

/** `text` with every character that is not printable written as an escape (ESC → \x1b, LF → \n). */
export function printable(text: string): string {
  // A global RegExp keeps state (lastIndex), so it is made here: a preloaded one is frozen.
  return UNPRINTABLE.test(text)
    ? text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, escaped)
    : text;
}

export type TraceFunction = (text: string) => void;

/** A Logger writing `luxflow <level>: <message>` lines through `trace`. */
class TraceLogger implements Logger {
  constructor(private readonly trace: TraceFunction) {}

  info(message: string): void {
    this.trace(`luxflow info: ${printable(message)}\n`);
  }

  warn(message: string): void {
    this.trace(`luxflow warn: ${printable(message)}\n`);
  }

  error(message: string): void {
    this.trace(`luxflow error: ${printable(message)}\n`);
  }
}

export function traceLogger(trace: TraceFunction): Logger {
  return new TraceLogger(trace);
}

/** Wraps a Logger so a repeating condition is reported once, and again only when it changes. */
export class OnceLogger {
  #last: string | undefined;

  constructor(private readonly log: Logger) {}

  warn(message: string): void {
    if (message === this.#last) return;
    this.#last = message;
    this.log.warn(message);
  }

  /** The condition is over: report recovery (if anything was reported) and re-arm. */
  clear(recovered?: string): void {
    if (this.#last !== undefined && recovered !== undefined) this.log.info(recovered);
    this.#last = undefined;
  }
}
