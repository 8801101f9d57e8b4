// MqttConnection: a reliable MQTT 3.1.1 client for the device. It owns the connection life
// cycle (resolve → TCP → CONNECT → CONNACK → connected → lost → backoff → again), keeps
// Wi-Fi state (setNetwork) apart from MQTT state, and hands packets to one handler per type
// (handlers.ts). Publishes go through the store-and-forward outbox (outbox.ts, publisher.ts).
// Time comes only from the injected Timers/Clock; bytes only through the SocketFactory.
import type { Clock, Logger, TimerHandle, Timers } from "../platform.js";
import { Backoff } from "./backoff.js";
import { MqttProtocolError, Decoder } from "./decode.js";
import { checkTopicName, encode, encodePublishHead, encodePublishRaw, publishIdOffset } from "./encode.js";
import { dispatch, type HandlerContext } from "./handlers.js";
import { Keepalive } from "./keepalive.js";
import { Outbox, dropWarning } from "./outbox.js";
import { IPV4, connectFields, type ConnectionOptions, type ConnectionState, type ConnectionStats, type PublishStatus } from "./options.js";
import type { PublishPacket, QoS } from "./packets.js";
import { Publisher } from "./publisher.js";
import { Subscriptions } from "./subscriptions.js";
import { Transport } from "./transport.js";
import { utf8Encode } from "./utf8.js";

export type { ConnectionOptions, ConnectionState, ConnectionStats, PublishStatus } from "./options.js";

export class MqttConnection {
  readonly stats: ConnectionStats;
  readonly outbox: Outbox;
  readonly #o: ConnectionOptions;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #max: number;
  readonly #backoff: Backoff;
  readonly #publisher: Publisher;
  readonly #subs: Subscriptions;
  readonly #keepalive: Keepalive;
  readonly #ctx: HandlerContext;
  readonly #topics = new Map<string, Uint8Array>();
  /** The last QoS 0 PUBLISH head, and what it was built for. */
  #head: Uint8Array = new Uint8Array(0);
  #headTotal = 0;
  #headTopic = "";
  #headLength = -1;
  #headRetain = false;
  #state: ConnectionState = "idle";
  #transport: Transport | undefined;
  #decoder: Decoder;
  #timer: TimerHandle | undefined;
  #attempt = 0;
  #started = false;
  #network = true;
  #connectedAt = 0;
  #everConnected = false;

  constructor(options: ConnectionOptions) {
    this.#o = options;
    this.#log = options.log;
    this.#clock = options.clock;
    this.#max = options.maxPacketSize ?? 4096;
    if (!(this.#max >= 64)) throw new RangeError(`maxPacketSize ${this.#max} must be at least 64 bytes`);
    if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) throw new RangeError(`port ${options.port} must be 1..65535`);
    encode({ type: 1, clientId: options.clientId, clean: options.clean ?? true, keepalive: options.keepalive, ...connectFields(options) });
    this.#backoff = new Backoff(options.reconnectMin ?? 1000, options.reconnectMax ?? 60000, options.random ?? Math.random);
    const box = options.outbox;
    this.outbox = box instanceof Outbox ? box : new Outbox(box ?? 4096);
    this.#publisher = new Publisher(this.outbox, options.maxInflight ?? 8);
    this.#subs = new Subscriptions(this.#log);
    this.#decoder = new Decoder(this.#max);
    this.#keepalive = new Keepalive(options.timers, options.clock, options.keepalive,
      () => this.#send(encode({ type: 12 })), (reason) => this.#lost(reason));
    const outbox = this.outbox;
    this.stats = {
      reconnects: 0, lastDisconnectReason: undefined, attempts: 0,
      get dropped() { return outbox.dropped; },
      get queued() { return outbox.length; },
      get queuedBytes() { return outbox.bytes; },
    };
    this.#ctx = this.#context();
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
      this.#backoff.reset();
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
      retain = options.retain ?? false;
    }
    if (qos === 0 && this.#state === "connected" && this.outbox.length === 0) {
      // The common case: the cached head (header + topic) then the payload, written as they are.
      // A typed array's length is an accessor call on XS: read each once.
      const length = payload.length;
      if (topic !== this.#headTopic || length !== this.#headLength || retain !== this.#headRetain) this.#publishHead(topic, length, retain);
      if (this.#transport!.sendPair(this.#head, payload, this.#headTotal)) {
        this.#keepalive.lastSent = this.#clock.now();
        return "sent";
      }
    }
    if (qos !== 0 && qos !== 1 && qos !== 2) throw new RangeError(`publish QoS ${String(qos)} must be 0, 1 or 2 [MQTT-3.3.1-4]`);
    const topicBytes = this.#topicBytes(topic);
    const packet = encodePublishRaw(topicBytes, payload, qos, retain, false, 0);
    if (packet.length > this.#max) this.#tooLarge(topic, packet.length);
    if (qos === 0 && this.#state === "connected" && this.outbox.length === 0 && this.#transport!.backlog === 0) {
      this.#send(packet);
      return "sent";
    }
    const before = this.outbox.dropped;
    const entry = this.outbox.push(packet, qos, qos > 0 ? publishIdOffset(topicBytes.length, payload.length) : -1);
    this.#noteDrops(before);
    this.#publisher.pump();
    return entry.state === 0 ? "queued" : "sent";
  }

  /** Subscribes now if connected, and again after every reconnect. */
  subscribe(topic: string, qos: QoS = 0): void {
    this.#subs.add(topic, qos);
    if (this.#state === "connected") this.#sendMaybe(this.#subs.subscribe(this.#publisher, [topic]));
  }

  unsubscribe(topic: string): void {
    if (this.#subs.remove(topic) && this.#state === "connected") this.#send(this.#subs.unsubscribe(this.#publisher, topic));
  }

  /** Publishes the will (if retained, so the status topic reads "offline"), sends DISCONNECT, closes. */
  stop(): void {
    if (this.#state === "stopped") return;
    if (this.#state === "connected") {
      const will = this.#o.will;
      if (will?.retain) this.#send(encodePublishRaw(this.#topicBytes(will.topic), will.payload, 0, true, false, 0));
      this.#send(encode({ type: 14 })); // then close the network connection [MQTT-3.14.4-1]
    }
    this.#teardown("stopped by the application");
    this.#state = "stopped";
  }

  #tooLarge(topic: string, bytes: number): never {
    throw new RangeError(`publish to "${topic}" is ${bytes} bytes, above the maximum packet size ${this.#max} (mqtt_max_packet)`);
  }

  /** Builds and keeps the QoS 0 PUBLISH head for this topic, payload length and retain flag (size checked here). */
  #publishHead(topic: string, length: number, retain: boolean): void {
    const head = encodePublishHead(this.#topicBytes(topic), length, retain);
    const total = head.length + length;
    if (total > this.#max) this.#tooLarge(topic, total);
    this.#head = head;
    this.#headTotal = total;
    this.#headTopic = topic;
    this.#headLength = length;
    this.#headRetain = retain;
  }

  #topicBytes(topic: string): Uint8Array {
    let bytes = this.#topics.get(topic);
    if (bytes === undefined) {
      checkTopicName(topic);
      bytes = utf8Encode(topic);
      if (bytes.length > 0xffff) throw new RangeError(`topic name of ${bytes.length} bytes exceeds 65535 [MQTT-1.5.3]`);
      if (this.#topics.size >= 8) this.#topics.clear();
      this.#topics.set(topic, bytes);
    }
    return bytes;
  }

  #noteDrops(before: number): void {
    if (this.outbox.dropped === before) return;
    const line = dropWarning(this.outbox, before);
    if (line !== undefined) this.#log.warn(line);
  }

  #send(bytes: Uint8Array): boolean {
    const t = this.#transport;
    if (t === undefined || !t.send(bytes)) return false;
    this.#keepalive.sent();
    return t.backlog === 0;
  }

  #sendMaybe(bytes: Uint8Array | undefined): void {
    if (bytes !== undefined) this.#send(bytes);
  }

  #connect(): void {
    this.#timers().clear(this.#timer);
    const attempt = ++this.#attempt;
    this.stats.attempts++;
    this.#state = "resolving";
    this.#timer = this.#timers().set(() => this.#lost(`no CONNACK within ${this.#o.connectTimeout ?? 10000} ms`), this.#o.connectTimeout ?? 10000);
    const host = this.#o.host;
    if (IPV4.test(host)) return this.#open(host);
    this.#o.resolve(host, (address) => {
      if (attempt !== this.#attempt || this.#state !== "resolving") return;
      if (address === undefined || !IPV4.test(address)) this.#lost(`cannot resolve broker host "${host}"`);
      else this.#open(address);
    });
  }

  #open(address: string): void {
    this.#state = "connecting";
    this.#decoder.reset();
    try {
      this.#transport = new Transport(this.#o.socket, address, this.#o.port, {
        onOpen: () => this.#opened(),
        onData: (chunk) => this.#data(chunk),
        onClose: (reason) => this.#lost(reason),
        onDrain: () => this.#publisher.pump(),
      });
    } catch (e) {
      this.#lost(`cannot connect to ${address}:${this.#o.port}: ${(e as Error).message}`);
    }
  }

  #opened(): void {
    this.#state = "handshake";
    const o = this.#o;
    this.#send(encode({ type: 1, clientId: o.clientId, clean: o.clean ?? true, keepalive: o.keepalive, ...connectFields(o) }));
  }

  #data(chunk: Uint8Array): void {
    this.#keepalive.received();
    this.#decoder.push(chunk);
    try {
      for (let p = this.#decoder.next(); p !== undefined; p = this.#decoder.next()) {
        dispatch(this.#ctx, p);
        if (this.#transport === undefined) return;
      }
    } catch (e) {
      if (!(e instanceof MqttProtocolError)) throw e;
      this.#lost(`protocol error from the broker: ${e.message}`);
    }
  }

  #accepted(sessionPresent: boolean): void {
    this.#timers().clear(this.#timer);
    this.#timer = undefined;
    this.#state = "connected";
    this.#connectedAt = this.#o.clock.now();
    if (this.#everConnected) this.stats.reconnects++;
    this.#everConnected = true;
    if (!sessionPresent) this.#ctx.inboundQoS2.clear();
    this.#keepalive.start();
    this.#log.info(`mqtt: connected to ${this.#o.host}:${this.#o.port} as ${this.#o.clientId}${sessionPresent ? " (session resumed)" : ""}`);
    const birth = this.#o.birth;
    if (birth) this.#send(encodePublishRaw(this.#topicBytes(birth.topic), birth.payload, 0, birth.retain, false, 0));
    this.#sendMaybe(this.#subs.subscribe(this.#publisher));
    this.#publisher.online((bytes) => this.#send(bytes));
    this.#o.onConnect?.({ sessionPresent });
  }

  /** The current attempt or connection ended: report it once and schedule the next attempt. */
  #lost(reason: string): void {
    if (this.#state === "stopped" || this.#state === "offline" || this.#state === "waiting" || this.#state === "idle") return;
    const wasConnected = this.#state === "connected";
    if (wasConnected && this.#o.clock.now() - this.#connectedAt >= (this.#o.reconnectMax ?? 60000)) this.#backoff.reset();
    this.#teardown(reason);
    const delay = this.#backoff.next();
    this.#state = "waiting";
    this.#log.warn(`mqtt: ${reason}; retrying in ${(delay / 1000).toFixed(1)} s`);
    this.#timer = this.#timers().set(() => this.#connect(), delay);
  }

  #teardown(reason: string): void {
    this.#timers().clear(this.#timer);
    this.#timer = undefined;
    this.#keepalive.stop();
    const t = this.#transport;
    this.#transport = undefined;
    t?.close();
    this.#publisher.offline();
    this.#subs.reset();
    const was = this.#state;
    this.#state = "idle";
    if (was === "idle" || was === "waiting" || was === "offline") return;
    this.stats.lastDisconnectReason = reason;
    this.#o.onDisconnect?.(reason);
  }

  #timers(): Timers {
    return this.#o.timers;
  }

  #context(): HandlerContext {
    const self = this;
    return {
      log: this.#log,
      publisher: this.#publisher,
      inboundQoS2: new Set<number>(),
      get established() { return self.#state === "connected"; },
      send: (bytes) => this.#send(bytes),
      fail: (reason) => this.#lost(reason),
      accepted: (sessionPresent) => this.#accepted(sessionPresent),
      deliver: (p: PublishPacket) => this.#o.onMessage?.(p.topic, p.payload, { qos: p.qos, retain: p.retain }),
      subscribed: (id, granted) => this.#subs.suback(this.#publisher, id, granted),
      unsubscribed: (id) => this.#publisher.release(id),
    };
  }
}
