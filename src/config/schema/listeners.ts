/**
 * Listener section: where eventgate receives syslog (and, later, SNMP traps).
 */
import { z } from 'zod';
import { identifier, size } from './common.js';

export const syslogUdpListener = z.strictObject({
  id: identifier.optional().meta({ description: 'Listener id for logs and metrics; default syslog-udp-<port>' }),
  protocol: z.literal('udp'),
  address: z.string().default('::').meta({ description: 'Address to bind; "::" is dual-stack IPv6 + IPv4' }),
  port: z.number().int().min(0).max(65535),
  receive_buffer_size: size.prefault('4MiB').meta({ description: 'Socket receive buffer (capped by net.core.rmem_max)' }),
});

export const syslogListener = z.discriminatedUnion('protocol', [syslogUdpListener]);
export type SyslogListenerConfig = z.output<typeof syslogListener>;

export const listenersSection = z.strictObject({
  syslog: z.array(syslogListener).default([]),
});
