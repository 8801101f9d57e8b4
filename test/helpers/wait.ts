// The one way tests and benches wait: `until` polls for the event a step depends on (a message
// arrived, a log line, a connection state) and fails with a message naming it; `sleep` is only
// for spans of real time a test is about (e.g. "readings keep flowing for 2 s").

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface UntilOptions {
  /** How long to wait before failing, in ms (default 5000). */
  timeoutMs?: number;
  /** Poll interval in ms (default 10). */
  everyMs?: number;
  /** Appended to the failure message: what the test saw (log lines, received topics). */
  detail?: () => string;
}

/**
 * Resolves once `condition()` is true; rejects after the timeout with
 * `timed out after <ms> ms waiting for <what>` (and `detail()` on the next line, if given).
 */
export async function until(
  condition: () => boolean,
  what: string,
  options: UntilOptions | number = {},
): Promise<void> {
  const { timeoutMs = 5000, everyMs = 10, detail } = typeof options === "number" ? { timeoutMs: options } : options;
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) {
      const more = detail?.();
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${more ? `\n${more}` : ""}`);
    }
    await sleep(everyMs);
  }
}
