// Readable sentences for the codes a broker sends back (§3.2.2.3, §3.9.3).

const CONNACK: readonly string[] = Object.freeze([
  "connection accepted",
  "connection refused: unacceptable protocol version",
  "connection refused: client identifier rejected",
  "connection refused: server unavailable",
  "connection refused: bad user name or password",
  "connection refused: not authorized",
]);

/** e.g. "connection refused: bad user name or password (CONNACK 4)". */
export function connackReason(code: number): string {
  const text = CONNACK[code] ?? "connection refused: reserved return code";
  return `${text} (CONNACK ${code})`;
}

/** e.g. `subscription to "a/#" refused by the broker (SUBACK 0x80)`. */
export function subackReason(topic: string, code: number): string {
  if (code === 0x80) return `subscription to "${topic}" refused by the broker (SUBACK 0x80)`;
  return `subscription to "${topic}" granted at QoS ${code}`;
}
