// A misbehaving MQTT broker on 127.0.0.1 for fault tests. It reads the client's CONNECT, then
// acts out the current scenario. "good" behaves (CONNACK 0, PUBACK/PUBREC/PUBCOMP, PINGRESP,
// SUBACK) so a test can check that the client recovers once the broker is sane again.
import { createServer, type Server, type Socket } from "node:net";
import { Decoder, encode, MqttProtocolError, type Packet } from "../../src/mqtt/codec.js";

export type Scenario =
  | "good"
  | "malformed"           // CONNACK 0, then a PUBACK with remaining length 3
  | "unexpected-type"     // CONNACK 0, then a SUBSCRIBE (a client never receives one)
  | "absurd-length"       // CONNACK 0, then a PUBLISH header claiming 268,435,455 bytes
  | "close-after-connack" // CONNACK 0, then close
  | "garbage"             // bytes that are no MQTT at all instead of CONNACK
  | "silent"              // accept and never answer
  | { refuse: number };   // CONNACK with this return code

export class BadBroker {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  scenario: Scenario = "good";
  /** Connections accepted, and packets received from clients, for assertions. */
  accepted = 0;
  readonly received: Packet[] = [];

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
    const decoder = new Decoder();
    const send = (p: Packet | Uint8Array) => socket.write(p instanceof Uint8Array ? p : encode(p));
    socket.on("data", (data: Buffer) => {
      decoder.push(new Uint8Array(data));
      try {
        for (let p = decoder.next(); p; p = decoder.next()) {
          this.received.push(p);
          if (p.type === 1) this.#connected(scenario, send, socket);
          else if (scenario === "good") this.#answer(p, send);
        }
      } catch (e) {
        if (!(e instanceof MqttProtocolError)) throw e;
        socket.destroy();
      }
    });
  }

  #connected(s: Scenario, send: (p: Packet | Uint8Array) => void, socket: Socket): void {
    if (s === "silent") return;
    if (s === "garbage") return void send(Uint8Array.of(0x00, 0x00, 0x00, 0x00));
    if (typeof s === "object") {
      send({ type: 2, sessionPresent: false, returnCode: s.refuse });
      socket.end();
      return;
    }
    send({ type: 2, sessionPresent: false, returnCode: 0 });
    if (s === "malformed") send(Uint8Array.of(0x40, 3, 0, 1, 0));
    else if (s === "unexpected-type") send({ type: 8, id: 1, subscriptions: [{ topic: "x", qos: 0 }] });
    else if (s === "absurd-length") send(Uint8Array.of(0x30, 0xff, 0xff, 0xff, 0x7f));
    else if (s === "close-after-connack") socket.end();
  }

  #answer(p: Packet, send: (p: Packet) => void): void {
    if (p.type === 3 && p.qos === 1) send({ type: 4, id: p.id });
    else if (p.type === 3 && p.qos === 2) send({ type: 5, id: p.id });
    else if (p.type === 6) send({ type: 7, id: p.id });
    else if (p.type === 8) send({ type: 9, id: p.id, granted: p.subscriptions.map((x) => x.qos) });
    else if (p.type === 10) send({ type: 11, id: p.id });
    else if (p.type === 12) send({ type: 13 });
  }
}
