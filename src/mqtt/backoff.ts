// Jittered exponential backoff between connection attempts, so a fleet of boards facing a
// stopped broker spreads out instead of hammering it in lock step. Pure functions: the
// connection keeps the count of failures (one field, no object per client).

/** Throws RangeError unless 0 < min <= max (milliseconds). */
export function checkBackoff(min: number, max: number): void {
  if (!(min > 0) || !(max >= min)) throw new RangeError(`reconnect backoff needs 0 < min (${min}) <= max (${max}) ms`);
}

/**
 * Delay before the next attempt after `failures` failed ones since the last reset: the cap
 * doubles per failure from min up to max, and the delay is uniform in [cap/2, cap] ("equal
 * jitter"), never below min.
 */
export function backoffDelay(failures: number, min: number, max: number, random: () => number): number {
  const cap = Math.min(max, min * 2 ** Math.min(failures, 30));
  return Math.max(min, Math.round(cap / 2 + (random() * cap) / 2));
}
