/**
 * Turns received bytes into a GatewayEvent: parse, count by format and problem, pick the
 * reporting host. Shared by every syslog transport.
 */
import type { GatewayEvent, Payload, Peer } from '../../core/event.js';
import type { ListenerContext } from '../listener.js';
import type { Decoder } from './charset.js';
import { parseSyslog } from './parse.js';
import { parsePayload } from './payload/index.js';

/**
 * Builds the event for one received message; undefined for an empty one. Pure apart from
 * the id and time it is given; the CLI and rule examples use it too.
 */
export function syslogEvent(
  bytes: Uint8Array,
  o: { id: string; now: number; listener: string; peer: Peer; decode?: Decoder },
): { event: GatewayEvent; problem?: string } | undefined {
  return buildEvent(bytes, o.id, o.now, o.listener, o.peer, o.decode);
}

function buildEvent(bytes: Uint8Array, id: string, now: number, listener: string, peer: Peer, decode: Decoder | undefined): { event: GatewayEvent; problem?: string } | undefined {
  const parsed = parseSyslog(bytes, now, decode);
  if (!parsed) return undefined;
  const payload = parsePayload(parsed.message);
  // parseSyslog makes fresh parts per call, so the payload is added in place (last, as a
  // spread would put it) instead of copying the parts.
  if (payload) (parsed.parts as { payload?: Payload }).payload = payload;
  const event: GatewayEvent = {
    id,
    receivedAt: now,
    kind: 'syslog',
    listener,
    peer,
    host: parsed.parts.hostname ?? peer.address,
    message: parsed.message,
    syslog: parsed.parts,
    raw: bytes,
  };
  return parsed.problem ? { event, problem: parsed.problem } : { event };
}

/**
 * Parses one message and emits it. Counts received, parsed, malformed and dropped; an empty
 * message is dropped, every other one becomes an event (malformed parts kept as text).
 * `ageMs`: how long ago the socket received it (it waited in a receiving thread).
 */
export function ingestSyslog(ctx: ListenerContext, listenerId: string, bytes: Uint8Array, peer: Peer, decode?: Decoder, ageMs = 0): void {
  const { metrics } = ctx;
  metrics.received.inc({ listener: listenerId });
  const now = ctx.clock.now() - ageMs;
  let built;
  try {
    built = buildEvent(bytes, ctx.newId(), now, listenerId, peer, decode);
  } catch (err) {
    // The parser is total by design; this is a bug guard so a socket handler never throws.
    metrics.dropped.inc({ listener: listenerId, reason: 'parser_error' });
    ctx.warn('ERR_SYSLOG_MALFORMED', 'syslog parser failed; message dropped', { listener: listenerId, err });
    return;
  }
  if (!built) {
    metrics.dropped.inc({ listener: listenerId, reason: 'empty' });
    ctx.warn('ERR_SYSLOG_EMPTY', 'empty syslog message dropped', { listener: listenerId, peer: peer.address });
    return;
  }
  const { event, problem } = built;
  metrics.parsed.inc({ listener: listenerId, format: event.syslog!.format });
  if (event.syslog!.payload) metrics.payloads.inc({ listener: listenerId, format: event.syslog!.payload.format });
  if (problem) {
    metrics.malformed.inc({ listener: listenerId, reason: event.syslog!.format === 'raw' ? 'no_pri' : 'header' });
    ctx.warn('ERR_SYSLOG_MALFORMED', 'syslog message partly malformed; kept', { listener: listenerId, peer: peer.address, problem });
  }
  if (!ctx.emit(event)) metrics.dropped.inc({ listener: listenerId, reason: 'queue_full' });
}
