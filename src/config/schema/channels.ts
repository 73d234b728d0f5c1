/**
 * Channels: where notifications go. `type` selects the output; delivery options (retries,
 * concurrency, minimum severity) are common to all types.
 */
import { z } from 'zod';
import { DES_UNAVAILABLE, desAvailable } from '../../core/ciphers.js';
import { SEVERITIES } from '../../core/severity.js';
import { duration, secretRef } from './common.js';
import { emailChannelFields } from './email-channel.js';
import { dedupSpec, digestSpec, limitSpec } from './routes.js';

/**
 * Delivery options; `concurrency` defaults by output: a log line is a local write (16 at
 * once amortizes the outbox round trips), hooks mostly wait on I/O (8), SMTP servers and
 * NOC receivers expect few connections (2).
 */
const deliveryWith = (concurrency: number) => ({
  min_severity: z.enum(SEVERITIES).default('debug').meta({ description: 'Drop notifications below this severity' }),
  max_attempts: z.number().int().min(1).default(1000)
    .meta({ description: 'Attempts before a notification is given up; with the default backoff, max_age (24h) decides first' }),
  max_age: duration.prefault('24h').meta({ description: 'Give up (dead letter) after this long' }),
  retry_initial: duration.prefault('2s'),
  retry_max: duration.prefault('10m'),
  concurrency: z.number().int().min(1).max(64).default(concurrency).meta({ description: 'Deliveries in flight at once' }),
  limit: limitSpec.optional(),
  digest: digestSpec.optional(),
  dedup: dedupSpec.optional(),
  dead_letter_channel: z.string().min(1).optional().meta({ description: 'Another channel told when a notification of this one is given up' }),
});
const delivery = deliveryWith(2);

export const logChannel = z.strictObject({
  type: z.literal('log'),
  format: z.enum(['text', 'json']).default('text'),
  template: z.string().default('[%Severity%] %Category% on %Host%: %Title%'),
  ...deliveryWith(16),
});

export const execChannel = z.strictObject({
  type: z.literal('exec'),
  command: z.string().min(1).meta({ description: 'Absolute path of the program; run without a shell' }),
  args: z.array(z.string()).default([]).meta({ description: 'Arguments; %Keyword% placeholders, one argv element each' }),
  timeout: duration.prefault('10s'),
  working_directory: z.string().optional(),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.union([z.string(), secretRef])).default({}),
  env_allow: z.array(z.string()).default([]).meta({ description: "Names of eventgate's own environment variables passed through" }),
  permanent_exit_codes: z.array(z.number().int().min(1).max(255)).default([64, 65, 77, 78])
    .meta({ description: 'Exit codes that mean retrying cannot help; others are retried' }),
  max_output: z.number().int().min(0).default(4096).meta({ description: 'Bytes of stdout and of stderr kept for the log and the delivery result; the rest is discarded' }),
  max_processes: z.number().int().min(0).default(64).meta({ description: "Processes the hook's process group may hold at once; more and the group is killed (0 = no limit)" }),
  ...deliveryWith(8),
});

export const emailChannel = emailChannelFields(delivery);

/** The OID prefix EVENTGATE-MIB is registered under (mibs/EVENTGATE-MIB.txt: `{ enterprises 99999 }`). */
export const DEFAULT_ENTERPRISE_OID = '1.3.6.1.4.1.99999';
export const SNMP_AUTH_PROTOCOLS = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export const SNMP_PRIV_PROTOCOLS = ['des', 'aes', 'aes256b', 'aes256r'] as const;

const oid = z.string().regex(/^[0-2](\.(0|[1-9][0-9]{0,9})){1,127}$/, 'use a numeric OID such as 1.3.6.1.4.1.99999');

const snmpUser = z.strictObject({
  name: z.string().min(1).max(32),
  level: z.enum(['noAuthNoPriv', 'authNoPriv', 'authPriv']).default('authPriv'),
  auth: z.strictObject({ protocol: z.enum(SNMP_AUTH_PROTOCOLS).default('sha256'), key: secretRef }).optional(),
  priv: z.strictObject({ protocol: z.enum(SNMP_PRIV_PROTOCOLS).default('aes'), key: secretRef }).optional(),
}).refine((u) => u.priv?.protocol !== 'des' || desAvailable(), { message: DES_UNAVAILABLE, path: ['priv', 'protocol'] });

export const snmpTarget = z
  .strictObject({
    host: z.string().min(1).meta({ description: 'Receiver host name or address' }),
    port: z.number().int().min(1).max(65535).default(162),
    version: z.union([z.literal(1), z.literal(3), z.literal('1'), z.literal('2c'), z.literal('3')])
      .default('2c').transform((v) => String(v) as '1' | '2c' | '3'),
    community: secretRef.optional().meta({ description: 'v1/v2c community, by reference' }),
    user: snmpUser.optional().meta({ description: 'v3 USM user' }),
    engine_id: z.string().regex(/^(0x)?([0-9a-fA-F]{2}){5,32}$/, 'use 5 to 32 bytes of hex, e.g. 0x8000000001020304').optional()
      .meta({ description: "v3 traps: eventgate's authoritative engine ID (the receiver's createUser -e); informs discover the receiver's" }),
    inform: z.boolean().default(false).meta({ description: 'Send informs (acknowledged, retried) instead of traps' }),
    timeout: duration.prefault('5s').meta({ description: 'Informs: wait this long for the acknowledgement' }),
    retries: z.number().int().min(0).max(10).default(2).meta({ description: 'Informs: retransmissions before the attempt fails' }),
  })
  .superRefine((t, ctx) => {
    const at = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (t.version !== '3' && !t.community) at(['community'], `SNMP version ${t.version} needs a community ({ env: NAME } or { file: PATH })`);
    if (t.version !== '3' && t.user) at(['user'], 'user is for SNMP version 3 only');
    if (t.version === '1' && t.inform) at(['inform'], 'SNMPv1 has no informs');
    if (t.version === '3') {
      if (!t.user) at(['user'], 'SNMP version 3 needs a user');
      else {
        if (t.user.level !== 'noAuthNoPriv' && !t.user.auth) at(['user', 'auth'], `level ${t.user.level} needs auth`);
        if (t.user.level === 'authPriv' && !t.user.priv) at(['user', 'priv'], 'level authPriv needs priv');
      }
      if (!t.inform && !t.engine_id) at(['engine_id'], 'v3 traps need engine_id, the engine ID the receiver knows this user under (createUser -e)');
      if (t.community) at(['community'], 'community is for SNMP versions 1 and 2c only');
    }
  });

export const snmpChannel = z.strictObject({
  type: z.literal('snmp'),
  targets: z.array(snmpTarget).min(1).meta({ description: 'Receivers; every one gets every notification' }),
  enterprise_oid: oid.default(DEFAULT_ENTERPRISE_OID)
    .meta({ description: 'Where EVENTGATE-MIB is registered; must match the MIB the receivers load' }),
  relay: z.boolean().default(false)
    .meta({ description: "Forward a trap event's original trap (varbinds unchanged, snmpTrapAddress.0 = its source) instead of an EVENTGATE-MIB notification" }),
  ...delivery,
}).superRefine((c, ctx) => {
  c.targets.forEach((t, i) => {
    if (c.relay && t.version === '1') ctx.addIssue({ code: 'custom', path: ['targets', i, 'version'], message: 'relay forwards SNMPv2 notifications; use version 2c or 3' });
  });
});

export const channel = z.discriminatedUnion('type', [logChannel, execChannel, emailChannel, snmpChannel]);
export type ChannelConfig = z.output<typeof channel>;
export type ExecChannelConfig = z.output<typeof execChannel>;
export type LogChannelConfig = z.output<typeof logChannel>;
export type EmailChannelConfig = z.output<typeof emailChannel>;
export type SnmpChannelConfig = z.output<typeof snmpChannel>;
export type SnmpTargetConfig = z.output<typeof snmpTarget>;
