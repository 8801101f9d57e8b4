// One readable line per event. On the device the lines go to `trace` (the xsbug console or
// serial); the host simulator prints them to stderr. Secrets never pass through here.
import type { Logger } from "./platform.js";

export type TraceFunction = (text: string) => void;

/** A Logger writing `luxflow <level>: <message>` lines through `trace` (methods, not closures). */
class TraceLogger implements Logger {
  constructor(private readonly trace: TraceFunction) {}

  info(message: string): void {
    this.trace(`luxflow info: ${message}\n`);
  }

  warn(message: string): void {
    this.trace(`luxflow warn: ${message}\n`);
  }

  error(message: string): void {
    this.trace(`luxflow error: ${message}\n`);
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
