/**
 * The SNMP trap listener on node:dgram. Each datagram goes through the engine (admission,
 * decode, authentication); an accepted notification becomes a `kind: 'trap'` event, and
 * the engine's verdict alone decides what is sent back: the ack of an accepted inform
 * (only once the event is queued) or a v3 discovery Report. Everything else is counted,
 * warned about at most once a minute per reason (never with a community or key), and
 * dropped. No error escapes the message handler.
 */
import type { Socket } from 'node:dgram';
import type { GatewayEvent } from '../../core/event.js';
import { normalizeAddress } from '../../core/net.js';
import type { OidIndex } from '../../mib/oid-index.js';
import { createRateLimitedWarn, type RateLimitedWarn } from '../../observe/rate-limited.js';
import type { Listener, ListenerContext } from '../listener.js';
import { bindUdpSocket, closeUdpSocket, udpAddresses } from '../udp-socket.js';
import { createEngine, type Engine, type EngineOptions, type Outcome, type RejectReason } from './engine.js';
import { normalizeTrap, type HostSource } from './normalize.js';

export interface SnmpListenerOptions {
  readonly id: string;
  readonly address: string;
  readonly port: number;
  readonly receiveBufferBytes: number;
  readonly hostFrom: readonly HostSource[];
  readonly engine: EngineOptions;
  readonly mibs: OidIndex;
}

const WARN_INTERVAL_MS = 60_000;

export function createSnmpListener(ctx: ListenerContext, opts: SnmpListenerOptions): Listener {
  let socket: Socket | undefined;
  let engine: Engine | undefined;
  const { metrics } = ctx;
  const listener = opts.id;
  const log = ctx.log.child({ component: 'snmp', listener });
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

  function send(s: Socket, bytes: Buffer, port: number, address: string, kind: 'ack' | 'report'): void {
    metrics.snmpResponses.inc({ listener, kind });
    s.send(bytes, port, address, (err) => {
      if (err) ctx.warn('ERR_LISTENER_SOCKET', 'could not send an SNMP response', { listener, err });
    });
  }

  function accept(s: Socket, o: Extract<Outcome, { kind: 'accepted' }>, address: string, port: number): void {
    const now = ctx.clock.now();
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
    for (const r of o.responses) send(s, r, port, address, 'ack');
  }

  function onMessage(s: Socket, bytes: Buffer, rinfo: { address: string; port: number }): void {
    const address = normalizeAddress(rinfo.address);
    metrics.received.inc({ listener });
    try {
      const o = engine!.process(bytes, { address, port: rinfo.port }, ctx.clock.monotonic());
      if (o.kind === 'rejected') reject(o.reason, address, o.version);
      else if (o.kind === 'discovery') for (const r of o.responses) send(s, r, rinfo.port, rinfo.address, 'report');
      else accept(s, o, address, rinfo.port);
    } catch (err) {
      // The engine and normalizer are total by design; this guard keeps a bug from ending the process.
      metrics.snmpRejected.inc({ listener, reason: 'malformed' });
      warn('bug', 'ERR_SNMP_MALFORMED', 'SNMP datagram could not be processed; dropped', { peer: address, err });
    }
  }

  return {
    id: listener,
    async start() {
      engine = createEngine(opts.engine);
      const s = await bindUdpSocket({ address: opts.address, port: opts.port, receiveBufferBytes: opts.receiveBufferBytes, log });
      s.on('error', (err) => ctx.warn('ERR_LISTENER_SOCKET', 'snmp socket error', { listener, err }));
      s.on('message', (msg, rinfo) => onMessage(s, msg, rinfo));
      socket = s;
      const a = s.address();
      log.info({ address: a.address, port: a.port, engineId: engine.engineId, mibObjects: opts.mibs.size }, 'snmp trap listener started');
    },
    async stop() {
      const s = socket;
      socket = undefined;
      await closeUdpSocket(s);
    },
    addresses: () => udpAddresses(socket),
  };
}
