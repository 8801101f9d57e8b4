// The one inbound path: the decoder frames a packet, handle() routes it by type to one small
// handler, which reads its fields with the decoder's parse function for that type and acts
// through HandlerContext (the connection's link object: methods on one prototype, no packet
// object made for an acknowledgement). A packet a client must never receive is a protocol
// violation that closes the connection with a sentence citing the rule.
import { parseAck, parseConnack, parseEmpty, parsePublish, parseSuback, type Decoder } from "./decode.js";
import { encodeAck } from "./encode.js";
import { PACKET_NAMES, type PublishPacket } from "./packets.js";
import type { Publisher } from "./publisher.js";
import { connackReason } from "./reasons.js";

export interface HandlerContext {
  readonly publisher: Publisher;
  /** True between a successful CONNACK and the end of the connection (a field: read per packet). */
  readonly established: boolean;
  /** QoS 2 Packet Identifiers received and not yet released by PUBREL (§4.3.3); made on first need. */
  inboundQoS2: Set<number> | undefined;
  send(bytes: Uint8Array): boolean;
  /** Ends the connection with a readable reason (the connection manager retries). */
  fail(reason: string): void;
  accepted(sessionPresent: boolean): void;
  deliver(p: PublishPacket): void;
  /** A PUBLISH above the maximum packet size was skipped (and is acknowledged at its QoS). */
  skipped(p: PublishPacket): void;
  subscribed(id: number, granted: number[]): void;
  unsubscribed(id: number): void;
}

function onConnack(ctx: HandlerContext, d: Decoder, first: number): void {
  const v = parseConnack(d, first);
  if (ctx.established) return ctx.fail("protocol error: a second CONNACK from the broker [MQTT-3.2.0-1]");
  if (v > 1) return ctx.fail(connackReason(v >> 1));
  ctx.accepted(v === 1);
}

/** Hands a PUBLISH to the application, or (oversized) reports it skipped: either way it is acknowledged. */
function deliver(ctx: HandlerContext, p: PublishPacket): void {
  if (p.oversized === undefined) ctx.deliver(p);
  else ctx.skipped(p);
}

function onPublish(ctx: HandlerContext, d: Decoder, first: number): void {
  let p = d.oversized;
  if (p === undefined) p = parsePublish(d, first);
  else d.oversized = undefined;
  if (p.qos === 0) return deliver(ctx, p);
  if (p.qos === 1) {
    deliver(ctx, p);
    ctx.send(encodeAck(4, p.id)); // PUBACK [MQTT-4.3.2-2]
    return;
  }
  // QoS 2, delivered once: on first receipt; a resend (DUP) before PUBREL is not delivered again [MQTT-4.3.3-2].
  const received = (ctx.inboundQoS2 ??= new Set());
  if (!received.has(p.id)) {
    received.add(p.id);
    deliver(ctx, p);
  }
  ctx.send(encodeAck(5, p.id)); // PUBREC
}

function onPuback(ctx: HandlerContext, d: Decoder, first: number): void {
  ctx.publisher.puback(parseAck(d, first));
}

function onPubrec(ctx: HandlerContext, d: Decoder, first: number): void {
  ctx.send(ctx.publisher.pubrec(parseAck(d, first))); // PUBREL [MQTT-4.3.3-1]
}

function onPubrel(ctx: HandlerContext, d: Decoder, first: number): void {
  const id = parseAck(d, first);
  ctx.inboundQoS2?.delete(id);
  ctx.send(encodeAck(7, id)); // PUBCOMP [MQTT-4.3.3-2]
}

function onPubcomp(ctx: HandlerContext, d: Decoder, first: number): void {
  ctx.publisher.pubcomp(parseAck(d, first));
}

function onSuback(ctx: HandlerContext, d: Decoder, first: number): void {
  const p = parseSuback(d, first);
  ctx.subscribed(p.id, p.granted);
}

function onUnsuback(ctx: HandlerContext, d: Decoder, first: number): void {
  ctx.unsubscribed(parseAck(d, first));
}

/** PINGRESP: the keepalive already noted that bytes arrived. */
function onPingresp(_ctx: HandlerContext, d: Decoder, first: number): void {
  parseEmpty(d, first);
}

/** Routes the packet `d.next()` framed (first byte `first`). Packets only clients send are protocol errors here. */
export function handle(ctx: HandlerContext, d: Decoder, first: number): void {
  const type = first >> 4;
  if (type === 4 && ctx.established) return ctx.publisher.puback(parseAck(d, first)); // onPuback, inline: the packet a publishing client gets most
  if (!ctx.established && type !== 2)
    return ctx.fail(`protocol error: ${PACKET_NAMES[type]} before CONNACK [MQTT-3.2.0-1]`);
  switch (type) {
    case 2:
      return onConnack(ctx, d, first);
    case 3:
      return onPublish(ctx, d, first);
    case 5:
      return onPubrec(ctx, d, first);
    case 6:
      return onPubrel(ctx, d, first);
    case 7:
      return onPubcomp(ctx, d, first);
    case 9:
      return onSuback(ctx, d, first);
    case 11:
      return onUnsuback(ctx, d, first);
    case 13:
      return onPingresp(ctx, d, first);
    default:
      return ctx.fail(`protocol error: unexpected ${PACKET_NAMES[type]} from the broker (a client never receives it)`);
  }
}
