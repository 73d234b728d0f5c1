/**
 * Syslog over UDP (RFC 5426) on node:dgram. One datagram is one message. Binds `::`
 * dual-stack by default (IPv4 peers appear as IPv4 after normalization) and falls back to
 * 0.0.0.0 where IPv6 is unavailable. Socket errors are logged, never thrown.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { normalizeAddress } from '../../core/net.js';
import type { BoundAddress, Listener, ListenerContext } from '../listener.js';
import { ingestSyslog } from './normalize.js';

export interface UdpSyslogOptions {
  readonly id: string;
  readonly address: string;
  readonly port: number;
  readonly receiveBufferBytes: number;
}

export function createUdpSyslogListener(ctx: ListenerContext, opts: UdpSyslogOptions): Listener {
  let socket: Socket | undefined;
  const log = ctx.log.child({ component: 'syslog', listener: opts.id });

  async function bind(address: string): Promise<Socket> {
    const s = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4', ipv6Only: false, reuseAddr: false });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind({ address, port: opts.port, exclusive: true }, () => {
        s.off('error', reject);
        resolve();
      });
    });
    return s;
  }

  return {
    id: opts.id,
    async start() {
      try {
        socket = await bind(opts.address);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (opts.address !== '::' || (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL')) throw err;
        log.warn({ code }, 'IPv6 unavailable; listening on IPv4 only');
        socket = await bind('0.0.0.0');
      }
      try {
        socket.setRecvBufferSize(opts.receiveBufferBytes);
      } catch (err) {
        log.warn({ err }, 'could not set the receive buffer size');
      }
      socket.on('error', (err) => ctx.warn('ERR_LISTENER_SOCKET', 'syslog socket error', { listener: opts.id, err }));
      socket.on('message', (msg, rinfo) => {
        ingestSyslog(ctx, opts.id, msg, { address: normalizeAddress(rinfo.address), port: rinfo.port, transport: 'udp' });
      });
      const a = socket.address();
      log.info({ address: a.address, port: a.port, receiveBuffer: socket.getRecvBufferSize() }, 'syslog udp listener started');
    },
    async stop() {
      const s = socket;
      socket = undefined;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    addresses(): BoundAddress[] {
      if (!socket) return [];
      const a = socket.address();
      return [{ protocol: 'udp', address: a.address, port: a.port }];
    },
  };
}
