// MqttConnection's options, state and statistics' shape, and the CONNECT they imply.
import type { Clock, Logger, Resolver, SocketFactory, Timers } from "../platform.js";
import type { Will } from "./packets.js";
import { encodeConnect } from "./encode.js";
import { utf8Encode } from "./utf8.js";

export interface ConnectionOptions {
  socket: SocketFactory;
  resolve: Resolver;
  timers: Timers;
  clock: Clock;
  log: Logger;
  random?: () => number;
  host: string;
  port: number;
  clientId: string;
  keepalive: number;
  clean?: boolean;
  username?: string;
  password?: string;
  /**
   * With clean=false: this boot still holds the state of the broker's session (a wake from deep
   * sleep that slept with nothing in flight), so the first connection resumes it; otherwise a
   * boot starts the persistent session afresh once ([MQTT-4.1.0-1]).
   */
  sessionKept?: boolean;
  will?: Will;
  /** Published (e.g. retained "online") right after every CONNACK, ahead of the outbox. */
  birth?: Will;
  reconnectMin?: number;
  reconnectMax?: number;
  /** Largest packet sent or accepted, in bytes (default 4096). */
  maxPacketSize?: number;
  /** Outbox capacity in bytes (default 4096); the connection's `outbox` field is the Outbox. */
  outbox?: number;
  /** QoS 1/2 publishes awaiting acknowledgement at once (default 8). */
  maxInflight?: number;
  /** Milliseconds allowed from starting an attempt to CONNACK (default 10000). */
  connectTimeout?: number;
  onConnect?(info: { sessionPresent: boolean }): void;
  onDisconnect?(reason: string): void;
  onMessage?(topic: string, payload: Uint8Array, info: { qos: number; retain: boolean }): void;
  /**
   * An inbound PUBLISH above maxPacketSize was skipped as it streamed in (never buffered) and
   * acknowledged at its QoS; `topic` is undefined when it was too long to keep.
   */
  onOversized?(info: OversizedInfo): void;
}

export interface OversizedInfo {
  topic: string | undefined;
  size: number;
  qos: number;
  retain: boolean;
  max: number;
}

export type ConnectionState =
  "idle" | "resolving" | "connecting" | "handshake" | "connected" | "waiting" | "offline" | "stopped";

export interface ConnectionStats {
  /** Successful connections after the first. */
  reconnects: number;
  lastDisconnectReason: string | undefined;
  /** Connection attempts started (resolve or TCP). */
  attempts: number;
  /** Publishes dropped because the outbox was full. */
  readonly dropped: number;
  /** Publishes waiting in the outbox (queued or awaiting acknowledgement). */
  readonly queued: number;
  readonly queuedBytes: number;
}

/** "sent": handed to the socket now; "queued": held in the outbox (offline, window full, socket busy). */
export type PublishStatus = "sent" | "queued";

export const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** CONNECT (§3.1) for these options and Clean Session flag; encoding it checks the client id, will and credentials. */
export function connectPacket(o: ConnectionOptions, clean: boolean): Uint8Array {
  const password = o.password === undefined ? undefined : utf8Encode(o.password);
  return encodeConnect({
    type: 1,
    clientId: o.clientId,
    clean,
    keepalive: o.keepalive,
    will: o.will,
    username: o.username,
    password,
  });
}
