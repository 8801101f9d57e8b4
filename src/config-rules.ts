// The rules a configuration value is parsed by (the key table in src/config.ts uses them):
// numbers in a range, durations given in seconds and kept as milliseconds, texts with a topic,
// host or secret rule, choices, flags. A bad value is a ConfigError naming the key, the rule
// and the value given (never the value of a secret key).
import { printable as shown } from "./log.js";
import { PROFILES, type Profile } from "./profiles.js";

export class ConfigError extends Error {
  override name = "ConfigError";
}

export type Raw = unknown;

/** One key: its name in mcconfig/manifest/simulator, default, one-line help, and parser. */
export interface KeySpec<V = unknown> {
  readonly key: string;
  /** Printed in help and README, and parsed like a given value; undefined = no default. */
  readonly default?: string | number | boolean;
  readonly required?: boolean;
  /** A password or key: its value is never shown in an error, a log line or the state. */
  readonly secret?: boolean;
  /** What an empty value means; keys without it refuse an empty value. */
  readonly empty?: string;
  /** The value of a key left out that has no default (e.g. mqtt_client_id: the sensor id); without it, undefined. */
  readonly otherwise?: (sensorId: string) => V;
  readonly help: string;
  parse(value: Raw, key: string): V;
}

export function fail(key: string, rule: string, value: Raw, secret = false): never {
  const got = secret ? "a secret, not shown" : typeof value === "string" ? `"${shown(value)}"` : shown(String(value));
  throw new ConfigError(`config: ${key} ${rule} (got ${got})`);
}

// The rule factories below copy their arguments into constants before making the parser: a
// parser made at preload keeps what it captures in flash, and xsl reports a captured parameter
// (a writable binding) as `no const`.
export function integer(lowest: number, highest: number) {
  const min = lowest;
  const max = highest;
  return (value: Raw, key: string): number => {
    const n =
      typeof value === "number"
        ? value
        : typeof value === "string" && /^-?\d+$/.test(value.trim())
          ? Number(value)
          : NaN;
    if (!Number.isInteger(n) || n < min || n > max) fail(key, `must be a whole number from ${min} to ${max}`, value);
    return n;
  };
}

export function numberIn(value: Raw): number {
  return typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
}

export function decimal(lowest: number, highest: number, units: string) {
  const min = lowest;
  const max = highest;
  const unit = units;
  return (value: Raw, key: string): number => {
    const n = numberIn(value);
    if (!Number.isFinite(n) || n < min || n > max)
      fail(key, `must be a number of ${unit} from ${min} to ${max}`, value);
    return n;
  };
}

/** A number of seconds from `lowest` to `highest`, as whole milliseconds. */
export function seconds(lowest: number, highest: number) {
  const min = lowest;
  const max = highest;
  return (value: Raw, key: string): number => {
    const n = numberIn(value);
    if (!Number.isFinite(n) || n < min || n > max)
      fail(key, `must be a number of seconds from ${min} to ${max}`, value);
    return Math.round(n * 1000);
  };
}

/**
 * 0 (off) or a number of seconds from `lowest` to `highest` (a floor, so a typo cannot flood the broker), as
 * milliseconds.
 */
export function offOrSeconds(lowest: number, highest: number) {
  const min = lowest;
  const max = highest;
  return (value: Raw, key: string): number => {
    const n = numberIn(value);
    if (!Number.isFinite(n) || (n !== 0 && (n < min || n > max)))
      fail(key, `must be 0 (off) or a number of seconds from ${min} to ${max}`, value);
    return Math.round(n * 1000);
  };
}

export function text(shortest: number, longest: number, rule?: (s: string) => string | undefined, secret = false) {
  const minLength = shortest;
  const maxLength = longest;
  const check = rule;
  const hidden = secret;
  return (value: Raw, key: string): string => {
    if (typeof value !== "string" && typeof value !== "number") fail(key, "must be text", value, hidden);
    const s = String(value);
    if (s.length < minLength || s.length > maxLength) {
      fail(
        key,
        minLength > 0 ? `must be ${minLength} to ${maxLength} characters` : `must be at most ${maxLength} characters`,
        value,
        hidden,
      );
    }
    const problem = check?.(s);
    if (problem !== undefined) fail(key, problem, value, hidden);
    return s;
  };
}

/** Text of a secret key (`secret: true` in its row): an error never shows the value. */
export function secretText(shortest: number, longest: number) {
  return text(shortest, longest, undefined, true);
}

export function choice<T extends string>(names: readonly T[]) {
  const options: readonly T[] = Object.freeze(names);
  return (value: Raw, key: string): T => {
    const s = String(value);
    const found = options.find((name) => name === s);
    if (found === undefined) fail(key, `must be one of ${options.join(", ")}`, value);
    return found;
  };
}

export function flag(value: Raw, key: string): boolean {
  if (value === true || value === 1 || value === "1" || value === "true") return true;
  if (value === false || value === 0 || value === "0" || value === "false") return false;
  return fail(key, "must be 1 or 0 (true or false)", value);
}

export const qosNumber = integer(0, 2);
export function qosLevel(value: Raw, key: string): 0 | 1 | 2 {
  const n = qosNumber(value, key);
  return n === 0 ? 0 : n === 1 ? 1 : 2;
}

export const integrationRange = integer(100, 600);
export function integrationTime(value: Raw, key: string): number {
  const n = integrationRange(value, key);
  if (n % 100 !== 0) fail(key, "must be 100, 200, 300, 400, 500 or 600", value);
  return n;
}

export function profileOf(value: Raw, key: string): Profile {
  const s = String(value);
  const found = PROFILES.find((p) => p.name === s);
  if (found === undefined) fail(key, `must be one of ${PROFILES.map((p) => p.name).join(", ")}`, value);
  return found;
}

// A topic name or part of one: no wildcards [MQTT-3.3.2-2] [MQTT-4.7.1-1], no NUL
// [MQTT-4.7.3-2], no control characters (they SHOULD NOT appear [MQTT-1.5.3]), and not the
// broker's own `$` topics [MQTT-4.7.2-1].
export const topicText = (s: string): string | undefined =>
  /[+#\u0000-\u001f\u007f-\u009f]/.test(s)
    ? "must not contain the wildcards + or #, a NUL or another control character"
    : s.startsWith("$")
      ? "must not start with $ (topics starting with $ are the broker's [MQTT-4.7.2-1])"
      : undefined;

// A name used as topic levels (<sensor_id>/state): a topic text without an empty level.
export const topicLevels = (s: string): string | undefined =>
  plainText(s) ??
  topicText(s) ??
  (/^\/|\/\/|\/$/.test(s) ? "must not start or end with / or contain // (an empty topic level)" : undefined);

// A host: a dotted IPv4 address or a DNS name (RFC 1123 labels).
export const hostName = (s: string): string | undefined =>
  /^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$/.test(s)
    ? undefined
    : "must be an IPv4 address or a host name";

export const plainText = (s: string): string | undefined =>
  /[\u0000-\u001f"\\]/.test(s) ? "must not contain control characters, quotes or backslashes" : undefined;

/** `otherwise` of the keys whose absence is the empty text. */
export const none = (): string => "";
