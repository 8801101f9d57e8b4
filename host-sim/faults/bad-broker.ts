// A misbehaving MQTT broker on 127.0.0.1 for fault tests, speaking through mqtt-packet (an
// independent codec: the client's own codec is never the judge of its bytes). It reads the
// client's CONNECT, then acts out the current scenario. "good" behaves (CONNACK 0, PUBACK/
// PUBREC/PUBCOMP, PINGRESP, SUBACK) so a test can check that the client recovers once the
// broker is sane again. Apart from the scenario, `qos2` picks how QoS 2 PUBLISH is answered,
// `sessions` keeps a session per client id across connections (clean=0), with the QoS 2
// identifiers received and not yet released [MQTT-4.3.3-2], and `log` records, like a
// conformance-checking broker, what the client did wrong.
import { createServer, type Server, type Socket } from "node:net";
import mqttPacket from "mqtt-packet";

export type Scenario =
  | "good"
  | "malformed" // CONNACK 0, then a PUBACK with remaining length 3
  | "unexpected-type" // CONNACK 0, then a SUBSCRIBE (a client never receives one)
  | "absurd-length" // CONNACK 0, then a SUBACK header claiming 268,435,455 bytes
  | "close-after-connack" // CONNACK 0, then close
  | "garbage" // bytes that are no MQTT at all instead of CONNACK
  | "silent" // accept and never answer
  | { refuse: number }; // CONNACK with this return code

/**
 * How a QoS 2 PUBLISH is answered: "pubrec" (the spec's flow, §4.3.3), "puback" (RabbitMQ
 * 3.10's MQTT plugin: it downgrades to QoS 1), "pubrec-only" (PUBREC, and PUBREL never
 * completed), "none" (no answer at all).
 */
export type QoS2Answer = "pubrec" | "puback" | "pubrec-only" | "none";

/** A packet from a client, as mqtt-packet parsed it (the fields the tests read). */
export interface BrokerPacket {
  readonly type: number;
  readonly cmd: string;
  readonly id: number;
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly qos: number;
  readonly dup: boolean;
  readonly retain: boolean;
  readonly clientId: string;
  readonly clean: boolean;
}

const TYPES: Record<string, number> = {
  connect: 1,
  connack: 2,
  publish: 3,
  puback: 4,
  pubrec: 5,
  pubrel: 6,
  pubcomp: 7,
  subscribe: 8,
  suback: 9,
  unsubscribe: 10,
  unsuback: 11,
  pingreq: 12,
  pingresp: 13,
  disconnect: 14,
};

/** A client id's session: the QoS 2 identifiers received and not yet released by PUBREL. */
interface Session {
  readonly qos2: Set<number>;
}

export class BadBroker {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #sessions = new Map<string, Session>();
  scenario: Scenario = "good";
  qos2: QoS2Answer = "pubrec";
  /** Answer QoS 1 PUBLISH with PUBACK (false: never, like a broker that lost the message). */
  puback = true;
  /** Keep sessions for clean=0 clients (session present in CONNACK [MQTT-3.2.2-2]). */
  sessions = false;
  /** Connections accepted, and packets received from clients, for assertions. */
  accepted = 0;
  readonly received: BrokerPacket[] = [];
  /** Messages accepted for delivery: each QoS 2 message once, a duplicate identifier not again. */
  readonly delivered: BrokerPacket[] = [];
  /** What the broker noticed, one line each. */
  readonly log: string[] = [];

  private constructor() {
    this.#server = createServer((socket) => this.#accept(socket));
  }

  static async start(port = 0): Promise<BadBroker> {
    const b = new BadBroker();
    await new Promise<void>((resolve, reject) => {
      b.#server.once("error", reject);
      b.#server.listen(port, "127.0.0.1", () => resolve());
    });
    return b;
  }

  get port(): number {
    const a = this.#server.address();
    if (a === null || typeof a === "string") throw new Error("broker is not listening");
    return a.port;
  }

  /** Open client connections. */
  get connections(): number {
    return this.#sockets.size;
  }

  /** Writes bytes to every connected client, in pieces of `chunk` bytes (streaming a large packet). */
  sendRaw(bytes: Uint8Array, chunk = 1024): void {
    for (const s of this.#sockets) {
      for (let o = 0; o < bytes.length; o += chunk) s.write(bytes.subarray(o, Math.min(bytes.length, o + chunk)));
    }
  }

  /** Encodes a packet with mqtt-packet and writes it to every connected client. */
  sendPacket(packet: mqttPacket.Packet, chunk?: number): void {
    this.sendRaw(new Uint8Array(mqttPacket.generate(packet)), chunk);
  }

  /** Closes every client connection (FIN). */
  closeAll(): void {
    for (const s of this.#sockets) s.end();
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
    this.accepted++;
    this.#sockets.add(socket);
    socket.on("close", () => this.#sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    const scenario = this.scenario;
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    const send = (p: mqttPacket.Packet | Uint8Array) => {
      if (!socket.destroyed) socket.write(p instanceof Uint8Array ? p : mqttPacket.generate(p));
    };
    let session: Session | undefined;
    parser.on("packet", (raw: mqttPacket.Packet) => {
      const p = brokerPacket(raw);
      this.received.push(p);
      if (p.type === 1) session = this.#connected(scenario, p, send, socket);
      else if (scenario === "good") this.#answer(p, session ?? { qos2: new Set() }, send);
    });
    parser.on("error", (e: Error) => {
      this.log.push(`protocol error: ${e.message}`);
      socket.destroy();
    });
    socket.on("data", (data: Buffer) => parser.parse(data));
  }

  #connected(
    s: Scenario,
    p: BrokerPacket,
    send: (p: mqttPacket.Packet | Uint8Array) => void,
    socket: Socket,
  ): Session | undefined {
    if (s === "silent") return undefined;
    if (s === "garbage") return void send(Uint8Array.of(0x00, 0x00, 0x00, 0x00));
    if (typeof s === "object") {
      send({ cmd: "connack", returnCode: s.refuse, sessionPresent: false });
      socket.end();
      return undefined;
    }
    let session: Session | undefined;
    let present = false;
    if (this.sessions && !p.clean) {
      session = this.#sessions.get(p.clientId);
      present = session !== undefined;
      if (session === undefined) this.#sessions.set(p.clientId, (session = { qos2: new Set() }));
    } else {
      this.#sessions.delete(p.clientId); // [MQTT-3.1.2-6]
      session = { qos2: new Set() };
    }
    send({ cmd: "connack", returnCode: 0, sessionPresent: present });
    if (s === "malformed") send(Uint8Array.of(0x40, 3, 0, 1, 0));
    else if (s === "unexpected-type") send({ cmd: "subscribe", messageId: 1, subscriptions: [{ topic: "x", qos: 0 }] });
    else if (s === "absurd-length") send(Uint8Array.of(0x90, 0xff, 0xff, 0xff, 0x7f));
    else if (s === "close-after-connack") socket.end();
    return session;
  }

  #answer(p: BrokerPacket, session: Session, send: (p: mqttPacket.Packet) => void): void {
    if (p.type === 3) return this.#publish(p, session, send);
    if (p.type === 6) {
      session.qos2.delete(p.id);
      if (this.qos2 !== "pubrec-only") send({ cmd: "pubcomp", messageId: p.id });
    } else if (p.type === 8) send({ cmd: "suback", messageId: p.id, granted: [1] });
    else if (p.type === 10) send({ cmd: "unsuback", messageId: p.id } as mqttPacket.Packet);
    else if (p.type === 12) send({ cmd: "pingresp" });
  }

  #publish(p: BrokerPacket, session: Session, send: (p: mqttPacket.Packet) => void): void {
    if (p.qos === 0) return void this.delivered.push(p);
    if (p.qos === 1) {
      this.delivered.push(p);
      if (this.puback) send({ cmd: "puback", messageId: p.id });
      return;
    }
    if (this.qos2 === "puback") {
      this.delivered.push(p);
      return send({ cmd: "puback", messageId: p.id });
    }
    if (session.qos2.has(p.id)) {
      // Delivered once: a PUBLISH with an identifier not yet released is a resend [MQTT-4.3.3-2].
      if (!p.dup) this.log.push(`[MQTT-3.3.1-2] duplicate QoS 2 message id ${p.id} found with DUP 0`);
    } else {
      session.qos2.add(p.id);
      this.delivered.push(p);
    }
    if (this.qos2 !== "none") send({ cmd: "pubrec", messageId: p.id });
  }
}

function brokerPacket(raw: mqttPacket.Packet): BrokerPacket {
  const r = raw as unknown as Record<string, unknown>;
  const payload = r.payload;
  return {
    type: TYPES[raw.cmd] ?? 0,
    cmd: raw.cmd,
    id: typeof r.messageId === "number" ? r.messageId : 0,
    topic: typeof r.topic === "string" ? r.topic : "",
    payload:
      payload instanceof Uint8Array
        ? new Uint8Array(payload)
        : typeof payload === "string"
          ? new TextEncoder().encode(payload)
          : new Uint8Array(0),
    qos: typeof r.qos === "number" ? r.qos : 0,
    dup: r.dup === true,
    retain: r.retain === true,
    clientId: typeof r.clientId === "string" ? r.clientId : "",
    clean: r.clean !== false,
  };
}
