// MqttConnection: a reliable MQTT 3.1.1 client for the device. It owns the connection life
// cycle (resolve → TCP → CONNECT → CONNACK → connected → lost → backoff → again), keeps
// Wi-Fi state (setNetwork) apart from MQTT state, and hands packets to one handler per type
// (handlers.ts). Publishes go through the store-and-forward outbox (outbox.ts, publisher.ts).
// Time comes only from the injected Timers/Clock; bytes only through the SocketFactory.
import type { Clock, TimerHandle } from "../platform.js";
import { backoffDelay, checkBackoff } from "./backoff.js";
import { MqttProtocolError, Decoder } from "./decode.js";
import { encodePublish, publishSize } from "./encode.js";
import { handle, type HandlerContext } from "./handlers.js";
import { Keepalive } from "./keepalive.js";
import { Outbox, type Records } from "./outbox.js";
import {
  IPV4,
  connectPacket,
  type ConnectionOptions,
  type ConnectionState,
  type ConnectionStats,
  type PublishStatus,
} from "./options.js";
import type { PublishPacket, QoS } from "./packets.js";
import { BIRTH, Publisher, type Sender } from "./publisher.js";
import { Subscriptions } from "./subscriptions.js";
import { Topics } from "./topics.js";
import { CLOSED, Transport, WRITTEN, type TransportEvents } from "./transport.js";

/** The connection's link object (MqttConnection.#Link): `established` is written by the connection. */
interface Link extends Keepalive, TransportEvents, Sender, HandlerContext {
  established: boolean;
  decoder: Decoder | undefined;
}

export type { ConnectionOptions, ConnectionState, ConnectionStats, OversizedInfo, PublishStatus } from "./options.js";

export class MqttConnection {
  /**
   * The connection's side of its transport, keepalive, publisher and packet handlers (one object
   * per client, methods on one shared prototype: XS keeps a closure per client, a method once).
   */
  static readonly #Link = class extends Keepalive implements TransportEvents, Sender, HandlerContext {
    readonly connection: MqttConnection;
    readonly publisher: Publisher;
    established = false;
    declare inboundQoS2: Set<number> | undefined;
    /** Made on the first bytes from a broker. */
    declare decoder: Decoder | undefined;
    constructor(connection: MqttConnection, options: ConnectionOptions, publisher: Publisher) {
      super(options.timers, options.clock, options.keepalive);
      this.connection = connection;
      this.publisher = publisher;
    }
    onOpen(): void {
      this.connection.#opened();
    }
    /** Bytes from the broker: every whole packet in them goes to its handler (handlers.ts). */
    onData(chunk: Uint8Array): void {
      this.lastReceived = this.clock.now(); // the keepalive: heard from the broker
      this.pingSent = -1;
      const connection = this.connection;
      const decoder = (this.decoder ??= new Decoder(connection.#topics.max));
      decoder.push(chunk);
      try {
        for (let first = decoder.next(); first >= 0; first = decoder.more ? decoder.next() : -1) {
          handle(this, decoder, first);
          if (connection.#transport === undefined) return;
        }
      } catch (e) {
        if (!(e instanceof MqttProtocolError)) throw e;
        connection.#lost(`protocol error from the broker: ${e.message}`);
      }
    }
    onClose(reason: string): void {
      this.connection.#lost(reason, true);
    }
    onDrain(): void {
      this.publisher.pump();
    }
    /** PINGREQ (§3.12). */
    ping(): void {
      this.connection.#send(Uint8Array.of(0xc0, 0));
    }
    dead(reason: string): void {
      this.connection.#lost(reason);
    }
    /** Sends bytes; false when the socket cannot take more now. */
    send(bytes: Uint8Array): boolean {
      const t = this.connection.#transport;
      if (t === undefined) return false;
      const taken = t.send(bytes);
      if (taken === CLOSED) return false;
      this.lastSent = this.clock.now(); // the keepalive: a packet went out
      return taken === WRITTEN;
    }
    fail(reason: string): void {
      this.connection.#lost(reason);
    }
    accepted(sessionPresent: boolean): void {
      this.connection.#accepted(sessionPresent);
    }
    deliver(p: PublishPacket): void {
      this.connection.#options.onMessage?.(p.topic, p.payload, { qos: p.qos, retain: p.retain });
    }
    skipped(p: PublishPacket): void {
      this.connection.#skipped(p);
    }
    subscribed(id: number, granted: number[]): void {
      this.connection.#subs?.suback(this.publisher, id, granted);
    }
    unsubscribed(id: number): void {
      this.publisher.release(id);
    }
  };

  /** What `stats` reads: getters on one prototype over the connection's counters and its outbox. */
  static readonly #Stats = class implements ConnectionStats {
    readonly #c: MqttConnection;
    constructor(c: MqttConnection) {
      this.#c = c;
    }
    get reconnects(): number {
      return this.#c.#reconnects;
    }
    get attempts(): number {
      return this.#c.#attempts;
    }
    get lastDisconnectReason(): string | undefined {
      return this.#c.#lastReason;
    }
    get dropped(): number {
      return this.#c.outbox.dropped;
    }
    get queued(): number {
      return this.#c.outbox.length;
    }
    get queuedBytes(): number {
      return this.#c.outbox.bytes;
    }
  };

  readonly outbox: Outbox;
  /** Counted here, read through `stats`. */
  #reconnects = 0;
  #attempts = 0;
  #lastReason: string | undefined;
  #stats: ConnectionStats | undefined;
  readonly #options: ConnectionOptions;
  /** Read per QoS 0 publish: kept apart from the options (which also hold the log and the limits). */
  readonly #clock: Clock;
  /** CONNECT, encoded once: the options do not change between connections. */
  readonly #connectPacket: Uint8Array;
  /** Failed attempts since the backoff was last reset (backoff.ts). */
  #failures = 0;
  readonly #publisher: Publisher;
  /** Made by the first subscribe(): a client that only publishes holds none. */
  #subs: Subscriptions | undefined;
  readonly #link: Link;
  readonly #topics: Topics;
  #state: ConnectionState = "idle";
  #transport: Transport | undefined;
  #timer: TimerHandle | undefined;
  #attempt = 0;
  #started = false;
  #network = true;
  #connectedAt = 0;
  #everConnected = false;
  /**
   * A persistent session was asked for (clean=0) and this client (this boot) holds none of its
   * state: the first connection starts it afresh (see #restartSession).
   */
  #fresh: boolean;

  constructor(options: ConnectionOptions) {
    this.#options = options;
    this.#clock = options.clock;
    const max = options.maxPacketSize ?? 4096;
    if (!(max >= 64)) throw new RangeError(`maxPacketSize ${max} must be at least 64 bytes`);
    if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535)
      throw new RangeError(`port ${options.port} must be 1..65535`);
    // Encoding CONNECT here also checks the options' client id, will and credentials.
    this.#connectPacket = connectPacket(options, options.clean ?? true);
    checkBackoff(options.reconnectMin ?? 1000, options.reconnectMax ?? 60000);
    this.outbox = new Outbox(options.outbox ?? 4096);
    this.#publisher = new Publisher(this.outbox, options.maxInflight ?? 8, options.log, max);
    this.#fresh = options.clean === false && options.sessionKept !== true;
    this.#topics = new Topics(max);
    this.#link = new MqttConnection.#Link(this, options, this.#publisher);
  }

  /** The connection's counters (ConnectionStats), read through to it: made on first read. */
  get stats(): ConnectionStats {
    return (this.#stats ??= new MqttConnection.#Stats(this));
  }

  get connected(): boolean {
    return this.#state === "connected";
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Begins connecting, and keeps reconnecting until stop(). */
  start(): void {
    if (this.#state === "stopped") throw new Error("MqttConnection was stopped; make a new one");
    if (this.#started) return;
    this.#started = true;
    if (this.#network) this.#connect();
    else this.#state = "offline";
  }

  /** Wi-Fi state. Down: drop the connection and stop retrying. Up: connect at once. */
  setNetwork(up: boolean): void {
    if (this.#network === up || this.#state === "stopped") return;
    this.#network = up;
    if (!up) {
      this.#teardown("network down");
      this.#state = "offline";
    } else if (this.#started) {
      this.#failures = 0;
      this.#connect();
    }
  }

  /**
   * Publishes `payload` (opaque bytes) to `topic`. Every publish goes through the outbox, in
   * order: sent at once when connected and the window and socket allow, else held (and sent
   * after reconnect). When the outbox is full the oldest entries are dropped (stats.dropped).
   * Throws RangeError for a topic MQTT forbids or a packet above maxPacketSize.
   */
  publish(topic: string, payload: Uint8Array, options?: { qos?: QoS; retain?: boolean }): PublishStatus {
    let qos: QoS = 0;
    let retain = false;
    if (options !== undefined) {
      qos = options.qos ?? 0;
      retain = options.retain === true;
    }
    if (qos === 0 && this.#link.established && this.outbox.length === 0) {
      // The common case: the cached head (header + topic) then the payload, written as they are.
      // A typed array's length is an accessor call on XS: read each once.
      const length = payload.length;
      const t = this.#topics;
      if (topic !== t.headTopic || (retain ? -2 - length : length) !== t.headKey) t.makeHead(topic, length, retain);
      if (this.#transport!.sendPair(t.head!, payload, t.headTotal)) {
        this.#link.lastSent = this.#clock.now();
        return "sent";
      }
    }
    if (qos !== 0 && qos !== 1 && qos !== 2)
      throw new RangeError(`publish QoS ${String(qos)} must be 0, 1 or 2 [MQTT-3.3.1-4]`);
    const bytes = this.#topics.bytes(topic);
    const size = publishSize(bytes.length, payload.length, qos);
    if (size > this.#topics.sendMax) this.#topics.tooLarge(topic, size);
    // Encoded straight into the outbox's ring; the Packet Identifier is given when first sent.
    return this.#publisher.enqueue(size, bytes, payload, qos, retain);
  }

  /**
   * Publishes `item` through the outbox as a record of `records` (a few bytes where its packet
   * would take a hundred or more), rendered into its PUBLISH each time it is sent. One record
   * format per connection. A rendered packet above the maximum size is an error line, not sent.
   */
  publishRecord<T>(records: Records<T>, item: T, qos: QoS): PublishStatus {
    if (qos !== 0 && qos !== 1 && qos !== 2)
      throw new RangeError(`publish QoS ${String(qos)} must be 0, 1 or 2 [MQTT-3.3.1-4]`);
    return this.#publisher.enqueueRecord(records, item, qos);
  }

  /** Subscribes now if connected, and again after every reconnect. */
  subscribe(topic: string, qos: QoS = 0): void {
    const subs = (this.#subs ??= new Subscriptions(this.#options.log));
    subs.add(topic, qos);
    if (this.#state === "connected") this.#sendMaybe(subs.subscribe(this.#publisher, [topic]));
  }

  unsubscribe(topic: string): void {
    const subs = this.#subs;
    if (subs !== undefined && subs.remove(topic) && this.#state === "connected")
      this.#send(subs.unsubscribe(this.#publisher, topic));
  }

  /** Publishes the will (if retained, so the status topic reads "offline"), sends DISCONNECT, closes. */
  stop(): void {
    if (this.#state === "stopped") return;
    if (this.#state === "connected") {
      const will = this.#options.will;
      if (will?.retain) this.#send(encodePublish(this.#topics.bytes(will.topic), will.payload, 0, true, false, 0));
      this.#send(Uint8Array.of(0xe0, 0)); // DISCONNECT (§3.14), then close the network connection [MQTT-3.14.4-1]
    }
    this.#teardown("stopped by the application");
    this.#state = "stopped";
  }

  #send(bytes: Uint8Array): boolean {
    return this.#link.send(bytes);
  }

  #sendMaybe(bytes: Uint8Array | undefined): void {
    if (bytes !== undefined) this.#send(bytes);
  }

  #connect(): void {
    this.#options.timers.clear(this.#timer);
    const attempt = ++this.#attempt;
    this.#attempts++;
    this.#state = "resolving";
    const timeout = this.#options.connectTimeout ?? 10000;
    this.#timer = this.#options.timers.set(() => this.#lost(`no CONNACK within ${timeout} ms`), timeout);
    const host = this.#options.host;
    if (IPV4.test(host)) return this.#open(host);
    this.#options.resolve(host, (address) => {
      if (attempt !== this.#attempt || this.#state !== "resolving") return;
      if (address === undefined || !IPV4.test(address)) this.#lost(`cannot resolve broker host "${host}"`);
      else this.#open(address);
    });
  }

  #open(address: string): void {
    this.#state = "connecting";
    this.#link.decoder?.reset();
    try {
      this.#transport = new Transport(this.#options.socket, address, this.#options.port, this.#link);
    } catch (e) {
      this.#lost(`cannot connect to ${address}:${this.#options.port}: ${(e as Error).message}`);
    }
  }

  #opened(): void {
    this.#state = "handshake";
    const o = this.#options;
    // Clean Session 1 once [MQTT-3.1.2-6]: encoded only then, the options' CONNECT otherwise.
    this.#send(this.#fresh ? connectPacket(o, true) : this.#connectPacket);
  }

  #accepted(sessionPresent: boolean): void {
    this.#options.timers.clear(this.#timer);
    this.#timer = undefined;
    if (this.#fresh) return this.#restartSession();
    this.#state = "connected";
    this.#link.established = true;
    this.#connectedAt = this.#options.clock.now();
    if (this.#everConnected) this.#reconnects++;
    this.#everConnected = true;
    if (!sessionPresent) {
      // A new session: the broker holds nothing of ours, nor we of it [MQTT-3.1.2-6] [MQTT-4.4.0-1].
      if (this.#link.inboundQoS2 !== undefined) this.#link.inboundQoS2 = undefined; // no property made where none was
      this.#publisher.newSession();
    }
    this.#link.start();
    this.#options.log.info(
      `mqtt: connected to ${this.#options.host}:${this.#options.port} as ${this.#options.clientId}${sessionPresent ? " (session resumed)" : ""}`,
    );
    const birth = this.#options.birth;
    if (birth) {
      const publisher = this.#publisher;
      // At the will's QoS (§3.1.2.6), so "online" is as sure to arrive as "offline".
      const id = birth.qos > 0 ? publisher.allocate(BIRTH) : 0;
      this.#send(encodePublish(this.#topics.bytes(birth.topic), birth.payload, birth.qos, birth.retain, false, id));
    }
    if (this.#subs !== undefined) this.#sendMaybe(this.#subs.subscribe(this.#publisher));
    this.#publisher.online(this.#link);
    this.#options.onConnect?.({ sessionPresent });
  }

  /**
   * The first CONNACK of a client asked for a persistent session: this boot has none of the
   * previous session's state (the broker may hold QoS 2 identifiers of ours awaiting PUBREL,
   * and would take a new message under one for a duplicate [MQTT-4.3.3-2]), and a client must
   * not resume a session whose state it does not have [MQTT-4.1.0-1]. So that connection
   * (Clean Session 1, which discarded the old session [MQTT-3.1.2-6]) ends with DISCONNECT
   * at once, and the next one, Clean Session 0, starts a new persistent session [MQTT-3.1.2-4].
   */
  #restartSession(): void {
    this.#fresh = false;
    this.#options.log.info(
      `mqtt: started a new persistent session as ${this.#options.clientId}: this boot holds none of the previous session's state`,
    );
    this.#send(Uint8Array.of(0xe0, 0)); // DISCONNECT (§3.14)
    const t = this.#transport;
    this.#transport = undefined;
    t?.close();
    this.#state = "idle";
    this.#connect();
  }

  /** The current attempt or connection ended: report it once and schedule the next attempt. */
  #lost(reason: string, byPeer = false): void {
    if (this.#state === "stopped" || this.#state === "offline" || this.#state === "waiting" || this.#state === "idle")
      return;
    const wasConnected = this.#state === "connected";
    const publisher = this.#publisher;
    // A connection that delivered something worked: the next attempt starts from the shortest delay.
    if (
      wasConnected &&
      (publisher.delivered || this.#options.clock.now() - this.#connectedAt >= (this.#options.reconnectMax ?? 60000))
    )
      this.#failures = 0;
    if (wasConnected && byPeer) {
      publisher.died();
      this.#topics.limit(publisher.limit - 1, publisher.aside?.reason);
    }
    this.#teardown(reason);
    const o = this.#options;
    const delay = backoffDelay(
      this.#failures++,
      o.reconnectMin ?? 1000,
      o.reconnectMax ?? 60000,
      o.random ?? Math.random,
    );
    this.#state = "waiting";
    this.#options.log.warn(`mqtt: ${reason}; retrying in ${(delay / 1000).toFixed(1)} s`);
    this.#timer = this.#options.timers.set(() => this.#connect(), delay);
  }

  #teardown(reason: string): void {
    this.#options.timers.clear(this.#timer);
    this.#timer = undefined;
    this.#link.stop();
    this.#link.established = false;
    const t = this.#transport;
    this.#transport = undefined;
    t?.close();
    this.#publisher.offline();
    this.#subs?.reset();
    const was = this.#state;
    this.#state = "idle";
    if (was === "idle" || was === "waiting" || was === "offline") return;
    this.#lastReason = reason;
    this.#options.onDisconnect?.(reason);
  }

  /** An inbound PUBLISH above mqtt_max_packet streamed past: one line, and the application is told. */
  #skipped(p: PublishPacket): void {
    const size = p.oversized!;
    const topic = p.topic === "" ? undefined : p.topic;
    this.#options.log.warn(
      `mqtt: skipped a ${size}-byte message on ${topic ?? "a topic too long to read"} (QoS ${p.qos}): above the maximum packet size ${this.#topics.max} (mqtt_max_packet); acknowledged, so the broker does not send it again`,
    );
    this.#options.onOversized?.({ topic, size, qos: p.qos, retain: p.retain, max: this.#topics.max });
  }
}
