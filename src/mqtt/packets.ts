// MQTT 3.1.1 control packets as plain objects: the codec's input and output. Field names
// follow the spec (§3); `id` is the Packet Identifier (§2.3.1). Payloads are opaque bytes.

/** Names of the control packet types, indexed by the high nibble of the first byte (§2.2.1). */
export const PACKET_NAMES: readonly string[] = Object.freeze([
  "reserved(0)",
  "CONNECT",
  "CONNACK",
  "PUBLISH",
  "PUBACK",
  "PUBREC",
  "PUBREL",
  "PUBCOMP",
  "SUBSCRIBE",
  "SUBACK",
  "UNSUBSCRIBE",
  "UNSUBACK",
  "PINGREQ",
  "PINGRESP",
  "DISCONNECT",
  "reserved(15)",
]);

export type QoS = 0 | 1 | 2;

/** Largest Remaining Length four length bytes can carry (§2.2.3). */
export const MAX_REMAINING_LENGTH = 268_435_455;

export interface Will {
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
}

export interface ConnectPacket {
  type: 1;
  clientId: string;
  clean: boolean;
  keepalive: number;
  will?: Will;
  username?: string;
  password?: Uint8Array;
}
export interface ConnackPacket {
  type: 2;
  sessionPresent: boolean;
  returnCode: number;
}
export interface PublishPacket {
  type: 3;
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  dup: boolean;
  /** Packet Identifier; 0 (absent) at QoS 0 [MQTT-2.3.1-5]. */
  id: number;
  /** Set (the packet's size) when it was larger than the client accepts: skipped, payload empty (oversized.ts). */
  oversized?: number;
}
export interface AckPacket {
  type: 4 | 5 | 6 | 7 | 11;
  id: number;
}
export interface Subscription {
  topic: string;
  qos: QoS;
}
export interface SubscribePacket {
  type: 8;
  id: number;
  subscriptions: Subscription[];
}
/** `granted`: 0, 1, 2, or 0x80 = failure (§3.9.3). */
export interface SubackPacket {
  type: 9;
  id: number;
  granted: number[];
}
export interface UnsubscribePacket {
  type: 10;
  id: number;
  topics: string[];
}
export interface EmptyPacket {
  type: 12 | 13 | 14;
}

export type Packet =
  | ConnectPacket
  | ConnackPacket
  | PublishPacket
  | AckPacket
  | SubscribePacket
  | SubackPacket
  | UnsubscribePacket
  | EmptyPacket;
