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
  /** QoS 2 Packet Identifiers received and not yet released by PUBREL (§4.3.3). */
  readonly inboundQoS2: Set<number>;
  send(bytes: Uint8Array): boolean;
  /** Ends the connection with a readable reason (the connection manager retries). */
  fail(reason: string): void;
  accepted(sessionPresent: boolean): void;
  deliver(p: PublishPacket): void;
  subscribed(id: number, granted: number[]): void;
  unsubscribed(id: number): void;
}

function onConnack(ctx: HandlerContext, p: ConnackPacket): void {
  if (ctx.established) return ctx.fail("protocol error: a second CONNACK from the broker [MQTT-3.2.0-1]");
  if (p.returnCode !== 0) return ctx.fail(connackReason(p.returnCode));
  ctx.accepted(p.sessionPresent);
}

function onPublish(ctx: HandlerContext, p: PublishPacket): void {
  if (p.qos === 0) return ctx.deliver(p);
  if (p.qos === 1) {
    ctx.deliver(p);
    ctx.send(encode({ type: 4, id: p.id })); // PUBACK [MQTT-4.3.2-2]
    return;
  }
  // QoS 2, delivered once: on first receipt; a resend (DUP) before PUBREL is not delivered again [MQTT-4.3.3-2].
  if (!ctx.inboundQoS2.has(p.id)) {
    ctx.inboundQoS2.add(p.id);
    ctx.deliver(p);
  }
  ctx.send(encode({ type: 5, id: p.id }));
}

function onPubrel(ctx: HandlerContext, p: AckPacket): void {
  ctx.inboundQoS2.delete(p.id);
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
