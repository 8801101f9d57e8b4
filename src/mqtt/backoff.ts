// Jittered exponential backoff between connection attempts, so a fleet of boards facing a
// stopped broker spreads out instead of hammering it in lock step.

export class Backoff {
  #attempt = 0;
  readonly #min: number;
  readonly #max: number;
  readonly #random: () => number;

  constructor(min: number, max: number, random: () => number) {
    if (!(min > 0) || !(max >= min)) throw new RangeError(`reconnect backoff needs 0 < min (${min}) <= max (${max}) ms`);
    this.#min = min;
    this.#max = max;
    this.#random = random;
  }

  /**
   * Delay before the next attempt: the cap doubles per failure from min up to max, and the
   * delay is uniform in [cap/2, cap] ("equal jitter"), never below min.
   */
  next(): number {
    const cap = Math.min(this.#max, this.#min * 2 ** Math.min(this.#attempt, 30));
    this.#attempt++;
    return Math.max(this.#min, Math.round(cap / 2 + (this.#random() * cap) / 2));
  }

  reset(): void {
    this.#attempt = 0;
  }
}
