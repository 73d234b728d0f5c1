/**
 * Channels: where notifications go. `type` selects the output; delivery options (retries,
 * concurrency, minimum severity) are common to all types.
 */
import { z } from 'zod';
import { SEVERITIES } from '../../core/severity.js';
import { duration, secretRef } from './common.js';
import { emailChannelFields } from './email-channel.js';

const delivery = {
  min_severity: z.enum(SEVERITIES).default('debug').meta({ description: 'Drop notifications below this severity' }),
  max_attempts: z.number().int().min(1).default(10),
  max_age: duration.prefault('24h').meta({ description: 'Give up (dead letter) after this long' }),
  retry_initial: duration.prefault('2s'),
  retry_max: duration.prefault('10m'),
  concurrency: z.number().int().min(1).max(64).default(2),
};

export const logChannel = z.strictObject({
  type: z.literal('log'),
  format: z.enum(['text', 'json']).default('text'),
  template: z.string().default('[%Severity%] %Category% on %Host%: %Title%'),
  ...delivery,
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
  max_output: z.number().int().min(0).default(65536).meta({ description: 'Bytes of stdout/stderr kept for the log' }),
  ...delivery,
});

export const emailChannel = emailChannelFields(delivery);

export const channel = z.discriminatedUnion('type', [logChannel, execChannel, emailChannel]);
export type ChannelConfig = z.output<typeof channel>;
export type ExecChannelConfig = z.output<typeof execChannel>;
export type LogChannelConfig = z.output<typeof logChannel>;
export type EmailChannelConfig = z.output<typeof emailChannel>;
