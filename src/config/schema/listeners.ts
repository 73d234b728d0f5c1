/**
 * Listener section: where eventgate receives syslog and SNMP traps. Syslog
 * listeners are a union on `protocol` (udp, tcp, tls); source control (allow-list, rate
 * limit) and the charset are common to all three. CIDRs, charsets and TLS files are checked
 * when the plan is compiled (src/app/syslog-listeners.ts), with positions.
 */
import { z } from 'zod';
import { DES_UNAVAILABLE, desAvailable } from '../../core/ciphers.js';
import { parseCidr } from '../../listeners/access.js';
import { HOST_SOURCES } from '../../listeners/snmp/normalize.js';
import { AUTH_PROTOCOLS, PRIV_PROTOCOLS, SECURITY_LEVELS } from '../../listeners/snmp/usm.js';
import { duration, identifier, secretRef, size } from './common.js';

const rateLimit = z
  .strictObject({
    rate: z.number().positive().meta({ description: 'Messages per second allowed from one source address' }),
    burst: z.number().int().min(1).optional().meta({ description: 'Messages a source may send at once; default: rate rounded up' }),
  })
  .transform((r) => ({ rate: r.rate, burst: r.burst ?? Math.max(1, Math.ceil(r.rate)) }))
  .meta({ description: 'Per-source token bucket; messages over it are dropped and counted' });

/** UDP sockets are read on their own thread; what it may hold while the event loop is busy. */
const burstBuffer = size.prefault('16MiB').meta({
  description: 'Memory for datagrams received but not yet processed (payload + 64 bytes each): a burst waits here instead of overrunning the socket buffer; beyond it datagrams are dropped and counted',
});

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
  burst_buffer_size: burstBuffer,
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

const cidr = z.string().refine((c) => parseCidr(c) !== undefined, { message: 'invalid CIDR: use e.g. 10.0.0.0/8, 2001:db8::/32 or one address' });
const engineId = z.string().regex(/^(0x)?([0-9a-fA-F]{2}){5,32}$/, 'an engine ID is 5 to 32 bytes in hex, e.g. 0x80001f8880...')
  .transform((h) => h.replace(/^0x/, '').toLowerCase());
const snmpVersion = z.union([z.literal(1), z.literal(3), z.enum(['1', '2c', '3', 'v1', 'v2c', 'v3'])])
  .transform((v) => (String(v).startsWith('v') ? String(v) : `v${v}`) as 'v1' | 'v2c' | 'v3');

export const snmpUser = z.strictObject({
  name: z.string().min(1).max(32).meta({ description: 'USM user name (securityName)' }),
  engine_ids: z.array(engineId).default([]).meta({ description: 'Engine IDs of the senders using this entry; empty = any engine' }),
  auth: z.strictObject({ protocol: z.enum(AUTH_PROTOCOLS), key: secretRef }).optional()
    .meta({ description: 'Authentication: protocol and passphrase (a secret reference)' }),
  priv: z.strictObject({ protocol: z.enum(PRIV_PROTOCOLS), key: secretRef }).optional()
    .meta({ description: 'Privacy: protocol and passphrase (a secret reference); needs auth' }),
}).refine((u) => !u.priv || u.auth, { message: 'priv needs auth (there is no privacy without authentication)', path: ['priv'] })
  .refine((u) => u.priv?.protocol !== 'des' || desAvailable(), { message: DES_UNAVAILABLE, path: ['priv', 'protocol'] });

export const snmpListener = z.strictObject({
  id: identifier.optional().meta({ description: 'Listener id for logs and metrics; default snmp-<port>' }),
  address: z.string().default('::').meta({ description: 'Address to bind; "::" is dual-stack IPv6 + IPv4' }),
  port: z.number().int().min(0).max(65535).default(162),
  versions: z.array(snmpVersion).min(1).default(['v1', 'v2c', 'v3']).meta({ description: 'SNMP versions accepted: 1, 2c, 3' }),
  min_level: z.enum(SECURITY_LEVELS).default('noAuthNoPriv').meta({ description: 'Lowest v3 security level accepted' }),
  communities: z.array(z.union([z.string().min(1), secretRef])).default([])
    .meta({ description: 'v1/v2c communities accepted (treated as secrets: never logged); none = v1/v2c rejected' }),
  users: z.array(snmpUser).default([]).meta({ description: 'v3 USM users; a name may repeat with different engine_ids' }),
  engine_id: engineId.optional().meta({ description: 'Engine ID of this receiver for v3 informs; random per start when absent' }),
  allow: z.array(cidr).default([]).meta({ description: 'Source addresses allowed (CIDR); empty = all' }),
  host_from: z.array(z.enum(HOST_SOURCES)).min(1).default(['trap_address', 'agent_address', 'source'])
    .meta({ description: 'Where the reporting host comes from, first found wins: snmpTrapAddress.0, the v1 agent address, the UDP source' }),
  receive_buffer_size: size.prefault('4MiB').meta({ description: 'Socket receive buffer (capped by net.core.rmem_max)' }),
  burst_buffer_size: burstBuffer,
});
export type SnmpListenerConfig = z.output<typeof snmpListener>;

export const listenersSection = z.strictObject({
  syslog: z.array(syslogListener).default([]),
  snmp: z.array(snmpListener).default([]),
});
