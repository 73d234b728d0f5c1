/**
 * Builds the Output and retry policy of every channel from its compiled plan. The only
 * place that knows which output implements which channel type.
 */
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { Secret } from '../core/secret.js';
import type { Template } from '../core/template.js';
import type { Logger } from '../observe/logger.js';
import type { Channel } from '../outputs/deliverer.js';
import { createExecOutput } from '../outputs/exec/exec-output.js';
import type { HookRunner } from '../outputs/exec/hook-runner.js';
import type { EmailOutputDeps } from '../outputs/email/email-output.js';
import { buildEmailOutput } from './channel-email.js';
import { createLogOutput } from '../outputs/log/log-output.js';
import type { SnmpTarget } from '../outputs/snmp-trap/session.js';
import { createSnmpOutput } from '../outputs/snmp-trap/trap-output.js';
import type { RetryPolicy } from '../outputs/retry-policy.js';
import { SecretReference } from '../config/secrets.js';
import type { SnmpTargetConfig } from '../config/schema/channels.js';
import type { ChannelPlan } from './compile.js';

export interface ChannelDeps {
  readonly log: Logger;
  readonly stdout: Writable;
  /** Where hooks are spawned (default: this process). */
  readonly hookRunner?: HookRunner;
  /** Directory of the config file; a relative hook command is resolved against it. */
  readonly configDir: string;
  /** Email: SMTP transport factory, MX resolver and a step trace (tests, test-notify). */
  readonly email?: Omit<EmailOutputDeps, 'log'>;
}

const ATTEMPT_GRACE_MS = 5000;

function snmpTarget(t: SnmpTargetConfig): SnmpTarget {
  const u = t.user;
  return {
    host: t.host, port: t.port, version: t.version, inform: t.inform, timeoutMs: t.timeout, retries: t.retries,
    ...(t.community ? { community: t.community.secret } : {}),
    ...(t.engine_id ? { engineId: t.engine_id.replace(/^0x/, '') } : {}),
    ...(u ? {
      user: {
        name: u.name, level: u.level,
        ...(u.auth ? { auth: { protocol: u.auth.protocol, key: u.auth.key.secret } } : {}),
        ...(u.priv ? { priv: { protocol: u.priv.protocol, key: u.priv.key.secret } } : {}),
      },
    } : {}),
  };
}

/** Longest one attempt can take: every target in parallel, v3 informs discover the engine first. */
function snmpAttemptMs(targets: readonly SnmpTargetConfig[]): number {
  return Math.max(...targets.map((t) => (t.inform ? (t.version === '3' ? 2 : 1) * t.timeout * (t.retries + 1) : 0)));
}

function template(plan: ChannelPlan, path: string): Template {
  const t = plan.templates.get(path);
  if (!t) throw new Error(`channel ${plan.id}: template ${path} was not compiled`);
  return t;
}

export function buildChannel(plan: ChannelPlan, deps: ChannelDeps): Channel {
  const channel = buildOutput(plan, deps);
  const to = plan.config.dead_letter_channel;
  return to === undefined ? channel : { ...channel, deadLetterChannel: to };
}

function buildOutput(plan: ChannelPlan, deps: ChannelDeps): Channel {
  const c = plan.config;
  const base = {
    maxAttempts: c.max_attempts,
    maxAgeMs: c.max_age,
    initialMs: c.retry_initial,
    maxMs: c.retry_max,
    concurrency: c.concurrency,
  };
  switch (c.type) {
    case 'log': {
      const policy: RetryPolicy = { ...base, attemptTimeoutMs: ATTEMPT_GRACE_MS };
      return { policy, output: createLogOutput({ id: plan.id, format: c.format, template: template(plan, 'template'), stream: deps.stdout }) };
    }
    case 'exec': {
      const policy: RetryPolicy = { ...base, attemptTimeoutMs: c.timeout + ATTEMPT_GRACE_MS };
      const env: Record<string, string | Secret> = {};
      for (const [k, v] of Object.entries(c.env)) env[k] = v instanceof SecretReference ? v.secret : v;
      const output = createExecOutput(
        {
          id: plan.id,
          command: c.command.includes('/') ? resolve(deps.configDir, c.command) : c.command,
          args: c.args.map((_, i) => template(plan, `args.${i}`)),
          timeoutMs: c.timeout,
          ...(c.working_directory ? { cwd: c.working_directory } : {}),
          env,
          envAllow: c.env_allow,
          permanentExitCodes: new Set(c.permanent_exit_codes),
          maxOutputBytes: c.max_output,
          maxProcesses: c.max_processes,
        },
        { log: deps.log, ...(deps.hookRunner ? { runner: deps.hookRunner } : {}) },
      );
      return { policy, output };
    }
    case 'email': {
      const policy: RetryPolicy = { ...base, attemptTimeoutMs: c.timeout };
      return { policy, output: buildEmailOutput(plan, c, { log: deps.log, ...deps.email }) };
      }
    case 'snmp': {
      const policy: RetryPolicy = { ...base, attemptTimeoutMs: snmpAttemptMs(c.targets) + ATTEMPT_GRACE_MS };
      const output = createSnmpOutput(
        { id: plan.id, targets: c.targets.map(snmpTarget), enterpriseOid: c.enterprise_oid, relay: c.relay },
        { log: deps.log },
      );
      return { policy, output };
    }
  }
}
