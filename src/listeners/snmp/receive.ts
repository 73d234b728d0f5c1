/**
 * What the SNMP listener does with one datagram, socket-free: the engine's verdict (admission,
 * decode, authentication), then an accepted notification becomes a `kind: 'trap'` event and
 * only the engine decides what is sent back (the ack of an accepted inform, once the event is
 * queued, or a v3 discovery Report). Everything else is counted, warned about at most once a
 * minute per reason (never with a community or key), and dropped. `onDatagram` never throws.
 */
import type { GatewayEvent } from '../../core/event.js';
import { normalizeAddress } from '../../core/net.js';
import type { OidIndex } from '../../mib/oid-index.js';
import type { Logger } from '../../observe/logger.js';
import { createRateLimitedWarn, type RateLimitedWarn } from '../../observe/rate-limited.js';
import type { ListenerContext } from '../listener.js';
import { createEngine, type Engine, type EngineOptions, type Outcome, type RejectReason } from './engine.js';
import { normalizeTrap, type HostSource } from './normalize.js';

const WARN_INTERVAL_MS = 60_000;

export interface TrapReceiverOptions {
  readonly listener: string;
  readonly hostFrom: readonly HostSource[];
  readonly engine: EngineOptions;
  readonly mibs: OidIndex;
  /** The listener's logger (`component: snmp`). */
  readonly log: Logger;
}

/** Sends bytes back to the datagram's source (the listener's socket). */
export type Reply = (bytes: Buffer, port: number, address: string) => void;

export interface TrapReceiver {
  readonly engine: Engine;
  /** `ageMs`: how long ago the socket received it (it waited in the receiving thread). */
  onDatagram(bytes: Buffer, rinfo: { address: string; port: number }, reply: Reply, ageMs?: number): void;
  /** `n` datagrams from outside the allow-list, refused before decoding (the last from `peer`). */
  refused(n: number, peer: string): void;
}

export function createTrapReceiver(ctx: ListenerContext, opts: TrapReceiverOptions): TrapReceiver {
  const engine = createEngine(opts.engine);
  const { metrics } = ctx;
  const { listener, log } = opts;
  const warners = new Map<string, RateLimitedWarn>();
  const warn = (reason: string, code: string, message: string, fields: Record<string, unknown>) => {
    let w = warners.get(reason);
    if (!w) warners.set(reason, (w = createRateLimitedWarn(log, ctx.clock, WARN_INTERVAL_MS)));
    w(code, message, fields);
  };

  function reject(reason: RejectReason, peer: string, version?: string): void {
    metrics.snmpRejected.inc({ listener, reason });
    const code = reason === 'malformed' ? 'ERR_SNMP_MALFORMED' : 'ERR_SNMP_REJECTED';
    warn(reason, code, reason === 'malformed' ? 'undecodable SNMP datagram dropped' : 'SNMP datagram rejected', { reason, peer, ...(version ? { version } : {}) });
  }

  function send(reply: Reply, bytes: Buffer, port: number, address: string, kind: 'ack' | 'report'): void {
    metrics.snmpResponses.inc({ listener, kind });
    reply(bytes, port, address);
  }

  function accept(reply: Reply, o: Extract<Outcome, { kind: 'accepted' }>, address: string, port: number, ageMs: number): void {
    const now = ctx.clock.now() - ageMs;
    const n = normalizeTrap(o.pdu, { version: o.version, security: o.security, mibs: opts.mibs, hostFrom: opts.hostFrom, peerAddress: address });
    const event: GatewayEvent = {
      id: ctx.newId(),
      receivedAt: now,
      kind: 'trap',
      listener,
      peer: { address, port, transport: 'udp' },
      host: n.host,
      message: n.message,
      trap: n.trap,
      raw: o.raw,
    };
    metrics.snmpAccepted.inc({ listener, version: o.version, pdu: n.trap.pdu });
    if (log.isLevelEnabled('debug')) log.debug({ event: { id: event.id, host: event.host, trap: event.trap } }, 'trap accepted');
    if (!ctx.emit(event)) {
      // Not acknowledged: the sender of an inform retries once the queue has room.
      metrics.dropped.inc({ listener, reason: 'queue_full' });
      ctx.warn('ERR_QUEUE_FULL', 'ingest queue full; trap dropped', { listener });
      return;
    }
    for (const r of o.responses) send(reply, r, port, address, 'ack');
  }

  return {
    engine,
    refused(n, peer) {
      metrics.received.inc({ listener }, n);
      metrics.snmpRejected.inc({ listener, reason: 'source' }, n);
      warn('source', 'ERR_SNMP_REJECTED', 'SNMP datagram rejected', { reason: 'source', peer });
    },
    onDatagram(bytes, rinfo, reply, ageMs = 0) {
      const address = normalizeAddress(rinfo.address);
      metrics.received.inc({ listener });
      try {
        const o = engine.process(bytes, { address, port: rinfo.port }, ctx.clock.monotonic() - ageMs);
        if (o.kind === 'rejected') reject(o.reason, address, o.version);
        else if (o.kind === 'discovery') for (const r of o.responses) send(reply, r, rinfo.port, rinfo.address, 'report');
        else accept(reply, o, address, rinfo.port, ageMs);
      } catch (err) {
        // The engine and normalizer are total by design; this guard keeps a bug from ending the process.
        metrics.snmpRejected.inc({ listener, reason: 'malformed' });
        warn('bug', 'ERR_SNMP_MALFORMED', 'SNMP datagram could not be processed; dropped', { peer: address, err });
      }
    },
  };
}
