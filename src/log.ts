// One readable line per event. On the device the lines go to `trace` (the xsbug console or
// serial); the host simulator prints them to stderr. Secrets never pass through here.
import type { Logger } from "./platform.js";

export type TraceFunction = (text: string) => void;

/** A Logger writing `luxflow <level>: <message>` lines through `trace`. */
export function traceLogger(trace: TraceFunction): Logger {
  return {
    info: (message) => trace(`luxflow info: ${message}\n`),
    warn: (message) => trace(`luxflow warn: ${message}\n`),
    error: (message) => trace(`luxflow error: ${message}\n`),
  };
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
