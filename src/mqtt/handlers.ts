// One small handler per inbound packet type, behind one dispatch switch. A handler sees the
// connection only through HandlerContext; a packet a client must never receive is a protocol
// violation that closes the connection with a sentence citing the rule.
import type { Logger } from "../platform.js";
import { encode } from "./encode.js";
import { PACKET_NAMES, type AckPacket, type ConnackPacket, type Packet, type PublishPacket, type SubackPacket } from "./packets.js";
import type { Publisher } from "./publisher.js";
import { connackReason } from "./reasons.js";

export interface HandlerContext {
  readonly log: Logger;
  readonly publisher: Publisher;
  /** True between a successful CONNACK and the end of the connection. */
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

function onConnack(ctx: HandlerContext, p: ConnackPacket): void {
  if (ctx.established) return ctx.fail("protocol error: a second CONNACK from the broker [MQTT-3.2.0-1]");
  if (p.returnCode !== 0) return ctx.fail(connackReason(p.returnCode));
  ctx.accepted(p.sessionPresent);
}

/** Hands a PUBLISH to the application, or (oversized) reports it skipped: either way it is acknowledged. */
function deliver(ctx: HandlerContext, p: PublishPacket): void {
  if (p.oversized === undefined) ctx.deliver(p);
  else ctx.skipped(p);
}

function onPublish(ctx: HandlerContext, p: PublishPacket): void {
  if (p.qos === 0) return deliver(ctx, p);
  if (p.qos === 1) {
    deliver(ctx, p);
    ctx.send(encode({ type: 4, id: p.id })); // PUBACK [MQTT-4.3.2-2]
    return;
  }
  // QoS 2, delivered once: on first receipt; a resend (DUP) before PUBREL is not delivered again [MQTT-4.3.3-2].
  const received = (ctx.inboundQoS2 ??= new Set());
  if (!received.has(p.id)) {
    received.add(p.id);
    deliver(ctx, p);
  }
  ctx.send(encode({ type: 5, id: p.id }));
}

function onPubrel(ctx: HandlerContext, p: AckPacket): void {
  ctx.inboundQoS2?.delete(p.id);
  ctx.send(encode({ type: 7, id: p.id })); // PUBCOMP [MQTT-4.3.3-2]
}

function onSuback(ctx: HandlerContext, p: SubackPacket): void {
  ctx.subscribed(p.id, p.granted);
}

/** Routes one decoded packet. Packets sent only by clients are protocol errors here. */
export function dispatch(ctx: HandlerContext, p: Packet): void {
  if (!ctx.established && p.type !== 2) {
    return ctx.fail(`protocol error: ${PACKET_NAMES[p.type]} before CONNACK [MQTT-3.2.0-1]`);
  }
  switch (p.type) {
    case 2: return onConnack(ctx, p);
    case 3: return onPublish(ctx, p);
    case 4: return ctx.publisher.puback(p.id);
    case 5: {
      ctx.send(ctx.publisher.pubrec(p.id)); // PUBREL [MQTT-4.3.3-1]
      return;
    }
    case 6: return onPubrel(ctx, p);
    case 7: return ctx.publisher.pubcomp(p.id);
    case 9: return onSuback(ctx, p);
    case 11: return ctx.unsubscribed(p.id);
    case 13: return; // PINGRESP: the keepalive already noted that bytes arrived
    default:
      return ctx.fail(`protocol error: unexpected ${PACKET_NAMES[p.type]} from the broker (a client never receives it)`);
  }
}

/**
 * The packets a publishing client gets most, each arriving as one whole chunk: PUBACK, PUBREC,
 * PUBCOMP (flags 0000, length 2 [MQTT-2.2.2-1]), PINGRESP once connected, and a successful
 * CONNACK before. Returns (type << 16) | Packet Identifier (CONNACK: | session present), with
 * no decoding; -1 for anything else or anything odd (a zero identifier [MQTT-2.3.1-1], a packet
 * out of turn), which the decoder and dispatch() then check in full.
 */
export function quickPacket(chunk: Uint8Array, established: boolean): number {
  const n = chunk.length;
  const first = chunk[0]!;
  if (n === 2) return established && first === 0xd0 && chunk[1] === 0 ? 13 << 16 : -1;
  if (n !== 4 || chunk[1] !== 2) return -1;
  const high = chunk[2]!;
  if (!established) return first === 0x20 && chunk[3] === 0 && high <= 1 ? (2 << 16) | high : -1;
  const id = (high << 8) | chunk[3]!;
  return id !== 0 && (first === 0x40 || first === 0x50 || first === 0x70) ? ((first >> 4) << 16) | id : -1;
}
