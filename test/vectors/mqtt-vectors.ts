// Byte vectors for every MQTT 3.1.1 packet type, commented field by field (§2-§3 of the spec),
// plus the Remaining Length boundaries of §2.2.3 and malformed inputs with their exact errors.
import type { Packet } from "../../src/mqtt/packets.js";

export interface Vector {
  name: string;
  packet: Packet;
  bytes: number[];
}
export interface ErrorVector {
  name: string;
  bytes: number[];
  error: string;
}

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const bytes = (s: string): Uint8Array => Uint8Array.from(ascii(s));
const fill = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i & 0xff);

/** A QoS 0 PUBLISH on topic "t" whose Remaining Length is exactly `remaining`. */
function publishOfLength(remaining: number, lengthBytes: number[]): Vector {
  const payload = fill(remaining - 3);
  return {
    name: `PUBLISH with remaining length ${remaining}`,
    packet: { type: 3, topic: "t", payload, qos: 0, retain: false, dup: false, id: 0 },
    bytes: [0x30, ...lengthBytes, 0, 1, 0x74, ...payload],
  };
}

export const VECTORS: Vector[] = [
  {
    name: "CONNECT minimal, clean session",
    packet: { type: 1, clientId: "lux-1", clean: true, keepalive: 60 },
    bytes: [
      0x10,
      17, // CONNECT, remaining length
      0,
      4,
      ...ascii("MQTT"),
      4, // protocol name, level 4
      0x02,
      0,
      60, // flags: clean session; keepalive 60 s
      0,
      5,
      ...ascii("lux-1"), // client id
    ],
  },
  {
    name: "CONNECT with will, user name and password",
    packet: {
      type: 1,
      clientId: "c",
      clean: false,
      keepalive: 0,
      will: { topic: "st", payload: bytes("off"), qos: 1, retain: true },
      username: "u",
      password: bytes("pw"),
    },
    bytes: [
      0x10,
      29,
      0,
      4,
      ...ascii("MQTT"),
      4,
      0xec,
      0,
      0, // flags: user, password, will retain, will QoS 1, will; keepalive 0
      0,
      1,
      ...ascii("c"), // client id
      0,
      2,
      ...ascii("st"),
      0,
      3,
      ...ascii("off"), // will topic, will message
      0,
      1,
      ...ascii("u"),
      0,
      2,
      ...ascii("pw"), // user name, password
    ],
  },
  {
    name: "CONNACK accepted, session present",
    packet: { type: 2, sessionPresent: true, returnCode: 0 },
    bytes: [0x20, 2, 1, 0],
  },
  { name: "CONNACK refused 4", packet: { type: 2, sessionPresent: false, returnCode: 4 }, bytes: [0x20, 2, 0, 4] },
  {
    name: "PUBLISH QoS 0",
    packet: { type: 3, topic: "a/b", payload: bytes("hi"), qos: 0, retain: false, dup: false, id: 0 },
    bytes: [0x30, 7, 0, 3, ...ascii("a/b"), ...ascii("hi")],
  },
  {
    name: "PUBLISH QoS 1 retain",
    packet: { type: 3, topic: "a", payload: bytes("x"), qos: 1, retain: true, dup: false, id: 10 },
    bytes: [0x33, 6, 0, 1, ...ascii("a"), 0, 10, ...ascii("x")],
  },
  {
    name: "PUBLISH QoS 2 DUP, empty payload, UTF-8 topic",
    packet: { type: 3, topic: "é", payload: new Uint8Array(0), qos: 2, retain: false, dup: true, id: 0x1234 },
    bytes: [0x3c, 6, 0, 2, 0xc3, 0xa9, 0x12, 0x34],
  },
  { name: "PUBACK", packet: { type: 4, id: 1 }, bytes: [0x40, 2, 0, 1] },
  { name: "PUBREC", packet: { type: 5, id: 0x0102 }, bytes: [0x50, 2, 1, 2] },
  { name: "PUBREL", packet: { type: 6, id: 65535 }, bytes: [0x62, 2, 0xff, 0xff] },
  { name: "PUBCOMP", packet: { type: 7, id: 7 }, bytes: [0x70, 2, 0, 7] },
  {
    name: "SUBSCRIBE two filters",
    packet: {
      type: 8,
      id: 2,
      subscriptions: [
        { topic: "a/+", qos: 1 },
        { topic: "#", qos: 2 },
      ],
    },
    bytes: [0x82, 12, 0, 2, 0, 3, ...ascii("a/+"), 1, 0, 1, ...ascii("#"), 2],
  },
  { name: "SUBACK with a failure", packet: { type: 9, id: 2, granted: [1, 0x80] }, bytes: [0x90, 4, 0, 2, 1, 0x80] },
  {
    name: "UNSUBSCRIBE",
    packet: { type: 10, id: 3, topics: ["a/+"] },
    bytes: [0xa2, 7, 0, 3, 0, 3, ...ascii("a/+")],
  },
  { name: "UNSUBACK", packet: { type: 11, id: 3 }, bytes: [0xb0, 2, 0, 3] },
  { name: "PINGREQ", packet: { type: 12 }, bytes: [0xc0, 0] },
  { name: "PINGRESP", packet: { type: 13 }, bytes: [0xd0, 0] },
  { name: "DISCONNECT", packet: { type: 14 }, bytes: [0xe0, 0] },
  publishOfLength(127, [0x7f]),
  publishOfLength(128, [0x80, 0x01]),
  publishOfLength(16_383, [0xff, 0x7f]),
  publishOfLength(16_384, [0x80, 0x80, 0x01]),
  publishOfLength(2_097_151, [0xff, 0xff, 0x7f]),
  publishOfLength(2_097_152, [0x80, 0x80, 0x80, 0x01]),
];

export const ERRORS: ErrorVector[] = [
  { name: "reserved type 0", bytes: [0x00, 0], error: "reserved packet type 0 [MQTT-2.2.1]" },
  { name: "reserved type 15", bytes: [0xf0, 0], error: "reserved packet type 15 [MQTT-2.2.1]" },
  {
    name: "five length bytes",
    bytes: [0x30, 0xff, 0xff, 0xff, 0xff, 0x01],
    error: "remaining length longer than four bytes [MQTT-2.2.3]",
  },
  { name: "PUBLISH QoS 3", bytes: [0x36, 5, 0, 1, 0x74, 0, 1], error: "PUBLISH QoS 3 is not allowed [MQTT-3.3.1-4]" },
  {
    name: "PUBLISH DUP at QoS 0",
    bytes: [0x38, 3, 0, 1, 0x74],
    error: "PUBLISH DUP must be 0 at QoS 0 [MQTT-3.3.1-2]",
  },
  {
    name: "PUBLISH wildcard topic",
    bytes: [0x30, 3, 0, 1, 0x23],
    error: 'topic name "#" contains a wildcard [MQTT-3.3.2-2]',
  },
  {
    name: "PUBLISH QoS 1 id 0",
    bytes: [0x32, 5, 0, 1, 0x74, 0, 0],
    error: "PUBLISH packet identifier must be non-zero [MQTT-2.3.1-1]",
  },
  {
    name: "PUBLISH topic with U+0000",
    bytes: [0x30, 3, 0, 1, 0x00],
    error: "topic name is not valid MQTT UTF-8 [MQTT-1.5.3-1] [MQTT-1.5.3-2]",
  },
  {
    name: "PUBLISH topic with a surrogate",
    bytes: [0x30, 5, 0, 3, 0xed, 0xa0, 0x80],
    error: "topic name is not valid MQTT UTF-8 [MQTT-1.5.3-1] [MQTT-1.5.3-2]",
  },
  {
    name: "PUBLISH topic longer than packet",
    bytes: [0x30, 3, 0, 9, 0x74],
    error: "topic name runs past the end of the packet (§1.5.3)",
  },
  { name: "PUBREL flags 0", bytes: [0x60, 2, 0, 1], error: "PUBREL fixed header flags 0x0 must be 0x2 [MQTT-3.6.1-1]" },
  { name: "PUBACK flags 1", bytes: [0x41, 2, 0, 1], error: "PUBACK fixed header flags 0x1 must be 0x0 [MQTT-2.2.2-1]" },
  { name: "PUBACK long", bytes: [0x40, 3, 0, 1, 0], error: "PUBACK remaining length 3 must be 2 (§3.4.1)" },
  {
    name: "CONNACK bad flags",
    bytes: [0x20, 2, 2, 0],
    error: "CONNACK acknowledge flags bits 7-1 must be 0 [MQTT-3.2.2.1]",
  },
  {
    name: "CONNACK session present on refusal",
    bytes: [0x20, 2, 1, 5],
    error: "session present must be 0 with a non-zero return code [MQTT-3.2.2-4]",
  },
  { name: "CONNACK short", bytes: [0x20, 1, 0], error: "CONNACK remaining length 1 must be 2 [MQTT-3.2.1]" },
  {
    name: "SUBSCRIBE flags 0",
    bytes: [0x80, 6, 0, 1, 0, 1, 0x61, 0],
    error: "SUBSCRIBE fixed header flags 0x0 must be 0x2 [MQTT-3.8.1-1]",
  },
  {
    name: "SUBSCRIBE QoS byte 3",
    bytes: [0x82, 6, 0, 1, 0, 1, 0x61, 3],
    error: "SUBSCRIBE requested QoS byte 0x3 is invalid [MQTT-3-8.3-4]",
  },
  { name: "SUBSCRIBE empty", bytes: [0x82, 2, 0, 1], error: "SUBSCRIBE without topic filters [MQTT-3.8.3-3]" },
  {
    name: "SUBACK reserved code",
    bytes: [0x90, 3, 0, 1, 3],
    error: "SUBACK return code 0x3 is reserved [MQTT-3.9.3-2]",
  },
  { name: "UNSUBSCRIBE empty", bytes: [0xa2, 2, 0, 1], error: "UNSUBSCRIBE without topic filters [MQTT-3.10.3-2]" },
  { name: "PINGRESP with body", bytes: [0xd0, 1, 0], error: "PINGRESP remaining length 1 must be 0 (§3.13.1)" },
  {
    name: "CONNECT wrong protocol",
    bytes: [0x10, 12, 0, 4, ...ascii("MQTX"), 4, 2, 0, 0, 0, 0],
    error: 'protocol name "MQTX" is not "MQTT" [MQTT-3.1.2-1]',
  },
  {
    name: "CONNECT level 3",
    bytes: [0x10, 12, 0, 4, ...ascii("MQTT"), 3, 2, 0, 0, 0, 0],
    error: "protocol level 3 is not 4 [MQTT-3.1.2-2]",
  },
  {
    name: "CONNECT reserved flag",
    bytes: [0x10, 12, 0, 4, ...ascii("MQTT"), 4, 3, 0, 0, 0, 0],
    error: "CONNECT reserved flag must be 0 [MQTT-3.1.2-3]",
  },
  {
    name: "CONNECT password without user",
    bytes: [0x10, 12, 0, 4, ...ascii("MQTT"), 4, 0x42, 0, 0, 0, 0],
    error: "password flag set without user name flag [MQTT-3.1.2-22]",
  },
  {
    name: "CONNECT truncated client id",
    bytes: [0x10, 11, 0, 4, ...ascii("MQTT"), 4, 2, 0, 0, 0],
    error: "client id length missing: packet too short for its remaining length (§2.2.3)",
  },
];
