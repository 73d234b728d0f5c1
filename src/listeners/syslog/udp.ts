/**
 * Syslog over UDP (RFC 5426). One datagram is one message. The socket is read on its own
 * thread (udp-receiver.ts), so a burst waits in a bounded buffer instead of overrunning the
 * kernel's while the event loop classifies. Binds `::` dual-stack by default (IPv4 peers
 * appear as IPv4 after normalization) and falls back to 0.0.0.0 where IPv6 is unavailable.
 * Datagrams from sources outside the allow-list (checked on the receiving thread, so they
 * never take buffer space) or over their rate limit are counted and dropped. Socket errors
 * are logged, never thrown.
 */
import { normalizeAddress } from '../../core/net.js';
import type { Listener, ListenerContext } from '../listener.js';
import { listenerHandlers, openUdpReceiver, type UdpReceiver } from '../udp-receiver.js';
import type { Decoder } from './charset.js';
import { ingestSyslog } from './normalize.js';

export interface UdpSyslogOptions {
  readonly id: string;
  readonly address: string;
  readonly port: number;
  readonly receiveBufferBytes: number;
  /** What the receiving thread may hold for the event loop (payloads + 64 bytes each). */
  readonly burstBufferBytes: number;
  /** CIDRs allowed to send. Defaults: everyone allowed, no rate limit, UTF-8. */
  readonly allow?: readonly string[];
  readonly rateLimit?: (source: string, nowMs: number) => boolean;
  readonly decode?: Decoder;
}

export function createUdpSyslogListener(ctx: ListenerContext, opts: UdpSyslogOptions): Listener {
  let receiver: UdpReceiver | undefined;
  const listener = opts.id;
  const log = ctx.log.child({ component: 'syslog', listener });
  const { metrics } = ctx;

  function onMessage(msg: Buffer, address: string, port: number, ageMs: number): void {
    if (opts.rateLimit && !opts.rateLimit(address, ctx.clock.monotonic() - ageMs)) {
      metrics.received.inc({ listener });
      metrics.dropped.inc({ listener, reason: 'rate_limited' });
      ctx.warn('ERR_SOURCE_RATE_LIMITED', 'syslog source over its rate limit; messages dropped', { listener, peer: address });
      return;
    }
    ingestSyslog(ctx, listener, msg, { address, port, transport: 'udp' }, opts.decode, ageMs);
  }

  return {
    id: listener,
    async start() {
      receiver = await openUdpReceiver(
        { address: opts.address, port: opts.port, receiveBufferBytes: opts.receiveBufferBytes, allow: opts.allow ?? [], bufferBytes: opts.burstBufferBytes, log },
        {
          ...listenerHandlers(ctx, listener, 'syslog'),
          onRefused(n, peer) {
            metrics.received.inc({ listener }, n);
            metrics.dropped.inc({ listener, reason: 'not_allowed' }, n);
            ctx.warn('ERR_SOURCE_REFUSED', 'syslog datagram from a source outside the allow-list dropped', { listener, peer });
          },
          onDatagram(msg, address, port, ageMs) {
            try {
              onMessage(msg, normalizeAddress(address), port, ageMs);
            } catch (err) {
              log.error({ err }, 'syslog datagram handler failed');
            }
          },
        },
      );
      const a = receiver.addresses()[0];
      log.info({ address: a?.address, port: a?.port, receiveBuffer: receiver.receiveBuffer, burstBuffer: opts.burstBufferBytes }, 'syslog udp listener started');
    },
    async stop() {
      const r = receiver;
      receiver = undefined;
      await r?.close();
      metrics.buffered.remove({ listener });
    },
    addresses: () => receiver?.addresses() ?? [],
  };
}
