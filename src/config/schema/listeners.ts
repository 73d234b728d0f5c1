/**
 * Listener section: where eventgate receives syslog (and, later, SNMP traps). Syslog
 * listeners are a union on `protocol` (udp, tcp, tls); source control (allow-list, rate
 * limit) and the charset are common to all three. CIDRs, charsets and TLS files are checked
 * when the plan is compiled (src/app/syslog-listeners.ts), with positions.
 */
import { z } from 'zod';
import { duration, identifier, size } from './common.js';

const rateLimit = z
  .strictObject({
    rate: z.number().positive().meta({ description: 'Messages per second allowed from one source address' }),
    burst: z.number().int().min(1).optional().meta({ description: 'Messages a source may send at once; default: rate rounded up' }),
  })
  .transform((r) => ({ rate: r.rate, burst: r.burst ?? Math.max(1, Math.ceil(r.rate)) }))
  .meta({ description: 'Per-source token bucket; messages over it are dropped and counted' });

const common = {
  id: identifier.optional().meta({ description: 'Listener id for logs and metrics; default syslog-<protocol>-<port>' }),
  address: z.string().default('::').meta({ description: 'Address to bind; "::" is dual-stack IPv6 + IPv4' }),
  allow: z.array(z.string()).default([]).meta({ description: 'CIDRs allowed to send (IPv4 and IPv6); empty allows everyone' }),
  rate_limit: rateLimit.optional(),
  charset: z.string().default('utf-8').meta({ description: 'Charset of the senders\' text (e.g. Shift_JIS, windows-1252); raw bytes are kept as received' }),
};

const stream = {
  max_frame: size.prefault('64KiB').meta({ description: 'Largest frame; a larger one closes the connection' }),
  idle_timeout: duration.prefault('10m').meta({ description: 'Close a connection that sent nothing for this long; 0 never' }),
  max_connections: z.number().int().min(1).default(1000).meta({ description: 'Open connections allowed in total' }),
  max_connections_per_source: z.number().int().min(1).default(64).meta({ description: 'Open connections allowed from one address' }),
};

export const syslogUdpListener = z.strictObject({
  ...common,
  protocol: z.literal('udp'),
  port: z.number().int().min(0).max(65535),
  receive_buffer_size: size.prefault('4MiB').meta({ description: 'Socket receive buffer (capped by net.core.rmem_max)' }),
});

export const syslogTcpListener = z.strictObject({
  ...common,
  ...stream,
  protocol: z.literal('tcp'),
  port: z.number().int().min(0).max(65535),
});

export const syslogTlsListener = z.strictObject({
  ...common,
  ...stream,
  protocol: z.literal('tls'),
  port: z.number().int().min(0).max(65535).default(6514),
  cert: z.string().min(1).meta({ description: 'Server certificate chain (PEM), relative to this file; re-read on reload' }),
  key: z.string().min(1).meta({ description: 'Private key of the certificate (PEM, unencrypted), relative to this file' }),
  client_ca: z.string().min(1).optional().meta({ description: 'CA bundle (PEM); when set, clients must present a certificate it signed (mutual TLS)' }),
  min_version: z.enum(['1.2', '1.3']).default('1.2').meta({ description: 'Lowest TLS version accepted' }),
  handshake_timeout: duration.prefault('10s').meta({ description: 'Close a connection whose TLS handshake has not finished by then' }),
});

export const syslogListener = z.discriminatedUnion('protocol', [syslogUdpListener, syslogTcpListener, syslogTlsListener]);
export type SyslogListenerConfig = z.output<typeof syslogListener>;
export type SyslogTcpListenerConfig = z.output<typeof syslogTcpListener>;
export type SyslogTlsListenerConfig = z.output<typeof syslogTlsListener>;

export const listenersSection = z.strictObject({
  syslog: z.array(syslogListener).default([]),
});
