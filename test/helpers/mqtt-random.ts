// Random valid MQTT 3.1.1 packets (seeded), and conversion to and from mqtt-packet's objects,
// for differential tests and benchmarks.
import type { Packet, QoS } from "../../src/mqtt/packets.js";

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ["a", "b", "z", "/", "-", "_", "0", "é", "ü", "€", "😀", " "];

export function randomPacket(r: () => number): Packet {
  const int = (n: number) => Math.floor(r() * n);
  const str = (min: number, max: number) => {
    let s = "";
    const n = min + int(max - min + 1);
    for (let i = 0; i < n; i++) s += ALPHABET[int(ALPHABET.length)];
    return s;
  };
  const topic = () => str(1, 12).replace(/^$/, "t");
  const bytes = (max: number) => Uint8Array.from({ length: int(max + 1) }, () => int(256));
  const id = () => 1 + int(65535);
  const qos = () => int(3) as QoS;
  switch (1 + int(14)) {
    case 1: {
      const p: Packet = { type: 1, clientId: str(1, 23), clean: r() < 0.5, keepalive: int(65536) };
      if (r() < 0.5) p.will = { topic: topic(), payload: bytes(20), qos: qos(), retain: r() < 0.5 };
      if (r() < 0.5) {
        p.username = str(0, 8);
        if (r() < 0.5) p.password = bytes(10);
      }
      return p;
    }
    case 2: {
      const returnCode = int(6);
      return { type: 2, sessionPresent: returnCode === 0 && r() < 0.5, returnCode };
    }
    case 3: {
      const q = qos();
      return {
        type: 3,
        topic: topic(),
        payload: bytes(300),
        qos: q,
        retain: r() < 0.5,
        dup: q > 0 && r() < 0.5,
        id: q > 0 ? id() : 0,
      };
    }
    case 4:
    case 5:
    case 6:
    case 7:
    case 11:
      return { type: ([4, 5, 6, 7, 11] as const)[int(5)]!, id: id() };
    case 8:
      return {
        type: 8,
        id: id(),
        subscriptions: Array.from({ length: 1 + int(4) }, () => ({ topic: topic(), qos: qos() })),
      };
    case 9:
      return { type: 9, id: id(), granted: Array.from({ length: 1 + int(4) }, () => [0, 1, 2, 0x80][int(4)]!) };
    case 10:
      return { type: 10, id: id(), topics: Array.from({ length: 1 + int(4) }, topic) };
    default:
      return { type: ([12, 13, 14] as const)[int(3)]! };
  }
}

type Obj = Record<string, unknown>;
const CMDS = [
  "",
  "connect",
  "connack",
  "publish",
  "puback",
  "pubrec",
  "pubrel",
  "pubcomp",
  "subscribe",
  "suback",
  "unsubscribe",
  "unsuback",
  "pingreq",
  "pingresp",
  "disconnect",
];

/** Our packet as an mqtt-packet object (Buffers for bytes). */
export function toMqttPacket(p: Packet): Obj {
  const cmd = CMDS[p.type]!;
  switch (p.type) {
    case 1: {
      const o: Obj = {
        cmd,
        protocolId: "MQTT",
        protocolVersion: 4,
        clientId: p.clientId,
        clean: p.clean,
        keepalive: p.keepalive,
      };
      if (p.will)
        o.will = { topic: p.will.topic, payload: Buffer.from(p.will.payload), qos: p.will.qos, retain: p.will.retain };
      if (p.username !== undefined) o.username = p.username;
      if (p.password !== undefined) o.password = Buffer.from(p.password);
      return o;
    }
    case 2:
      return { cmd, sessionPresent: p.sessionPresent, returnCode: p.returnCode };
    case 3: {
      const o: Obj = { cmd, topic: p.topic, payload: Buffer.from(p.payload), qos: p.qos, retain: p.retain, dup: p.dup };
      if (p.qos > 0) o.messageId = p.id;
      return o;
    }
    case 8:
      return { cmd, messageId: p.id, subscriptions: p.subscriptions.map((s) => ({ topic: s.topic, qos: s.qos })) };
    case 9:
      return { cmd, messageId: p.id, granted: p.granted };
    case 10:
      return { cmd, messageId: p.id, unsubscriptions: p.topics };
    case 12:
    case 13:
    case 14:
      return { cmd };
    default:
      return { cmd, messageId: p.id };
  }
}

/** An mqtt-packet parse result as our packet. */
export function fromMqttPacket(o: Obj): Packet {
  const type = CMDS.indexOf(o.cmd as string) as Packet["type"];
  const u8 = (b: unknown) => new Uint8Array(b as Buffer);
  switch (type) {
    case 1: {
      const p: Packet = {
        type,
        clientId: o.clientId as string,
        clean: o.clean as boolean,
        keepalive: o.keepalive as number,
      };
      const w = o.will as Obj | undefined;
      if (w)
        p.will = { topic: w.topic as string, payload: u8(w.payload), qos: w.qos as QoS, retain: w.retain as boolean };
      if (o.username !== undefined) p.username = o.username as string;
      if (o.password !== undefined) p.password = u8(o.password);
      return p;
    }
    case 2:
      return { type, sessionPresent: o.sessionPresent as boolean, returnCode: o.returnCode as number };
    case 3:
      return {
        type,
        topic: o.topic as string,
        payload: u8(o.payload),
        qos: o.qos as QoS,
        retain: o.retain as boolean,
        dup: o.dup as boolean,
        id: (o.messageId as number | undefined) ?? 0,
      };
    case 8:
      return {
        type,
        id: o.messageId as number,
        subscriptions: (o.subscriptions as Obj[]).map((s) => ({ topic: s.topic as string, qos: s.qos as QoS })),
      };
    case 9:
      return { type, id: o.messageId as number, granted: o.granted as number[] };
    case 10:
      return { type, id: o.messageId as number, topics: o.unsubscriptions as string[] };
    case 12:
    case 13:
    case 14:
      return { type };
    default:
      return { type: type as 4, id: o.messageId as number };
  }
}
