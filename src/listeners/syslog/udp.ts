/**
 * Syslog over UDP (RFC 5426) on node:dgram. One datagram is one message. Binds `::`
 * dual-stack by default (IPv4 peers appear as IPv4 after normalization) and falls back to
 * 0.0.0.0 where IPv6 is unavailable. Datagrams from sources outside the allow-list or over
 * their rate limit are counted and dropped. Socket errors are logged, never thrown.
 */
import type { Socket } from 'node:dgram';
import { normalizeAddress } from '../../core/net.js';
import type { AllowList } from '../access.js';
import type { Listener, ListenerContext } from '../listener.js';
import { bindUdpSocket, closeUdpSocket, udpAddresses } from '../udp-socket.js';
import type { Decoder } from './charset.js';
import { ingestSyslog } from './normalize.js';

export interface UdpSyslogOptions {
  readonly id: string;
  readonly address: string;
  readonly port: number;
  readonly receiveBufferBytes: number;
  /** Defaults: everyone allowed, no rate limit, UTF-8. */
  readonly allow?: AllowList;
  readonly rateLimit?: (source: string, nowMs: number) => boolean;
  readonly decode?: Decoder;
}

export function createUdpSyslogListener(ctx: ListenerContext, opts: UdpSyslogOptions): Listener {
  let socket: Socket | undefined;
  const listener = opts.id;
  const log = ctx.log.child({ component: 'syslog', listener });
  const { metrics } = ctx;


  function onMessage(msg: Buffer, address: string, port: number): void {
    if (opts.allow && !opts.allow(address)) {
      metrics.received.inc({ listener });
      metrics.dropped.inc({ listener, reason: 'not_allowed' });
      ctx.warn('ERR_SOURCE_REFUSED', 'syslog datagram from a source outside the allow-list dropped', { listener, peer: address });
      return;
    }
    if (opts.rateLimit && !opts.rateLimit(address, ctx.clock.monotonic())) {
      metrics.received.inc({ listener });
      metrics.dropped.inc({ listener, reason: 'rate_limited' });
      ctx.warn('ERR_SOURCE_RATE_LIMITED', 'syslog source over its rate limit; messages dropped', { listener, peer: address });
      return;
    }
    ingestSyslog(ctx, listener, msg, { address, port, transport: 'udp' }, opts.decode);
  }

  return {
    id: listener,
    async start() {
      socket = await bindUdpSocket({ address: opts.address, port: opts.port, receiveBufferBytes: opts.receiveBufferBytes, log });
      socket.on('error', (err) => ctx.warn('ERR_LISTENER_SOCKET', 'syslog socket error', { listener, err }));
      socket.on('message', (msg, rinfo) => {
        try {
          onMessage(msg, normalizeAddress(rinfo.address), rinfo.port);
        } catch (err) {
          log.error({ err }, 'syslog datagram handler failed');
        }
      });
      const a = socket.address();
      log.info({ address: a.address, port: a.port, receiveBuffer: socket.getRecvBufferSize() }, 'syslog udp listener started');
    },
    async stop() {
      const s = socket;
      socket = undefined;
      await closeUdpSocket(s);
    },
    addresses: () => udpAddresses(socket),
  };
}
