/**
 * `eventgate test-notify CHANNEL`: sends one test notification through the channel's real
 * Output (any type) and says in plain words what happened; for email each SMTP step
 * (connected, TLS version and certificate, authenticated, accepted) or the step that failed.
 * Leaves the outbox and route state alone. Exit 0 when delivered, 1 otherwise.
 */
import { hostname } from 'node:os';
import { buildChannel } from '../app/channels.js';
import { createUlidFactory } from '../core/ids.js';
import type { Notification } from '../core/notification.js';
import { createLogger } from '../observe/logger.js';
import type { EmailTraceStep } from '../outputs/email/email-output.js';
import { describeFailure } from '../outputs/email/smtp-errors.js';
import type { CliArgs } from './args.js';
import type { Io } from './check.js';
import { loadPlan, printIssues } from './load-plan.js';

/** The test notification: one item, category `other`, severity info, kind `test`. */
export function testNotification(channel: string, now: number): Notification {
  const id = createUlidFactory(() => now)();
  const host = hostname();
  const title = 'eventgate test notification';
  return {
    id,
    createdAt: now,
    kind: 'test',
    channel,
    routeIndex: -1,
    key: `test|${channel}`,
    severity: 'info',
    category: 'other',
    title,
    items: [{
      eventId: id,
      receivedAt: now,
      host,
      message: `This is a test notification sent by "eventgate test-notify ${channel}".`,
      ruleId: null,
      category: 'other',
      severity: 'info',
      title,
      fields: { ComputerName: host, TimeStamp: new Date(now).toISOString(), ProgramName: 'eventgate' },
    }],
    suppressed: 0,
  };
}

/** One plain-words line per email step. */
export function describeStep(s: EmailTraceStep): string {
  switch (s.step) {
    case 'recipients':
      return `recipients: ${s.valid.join(', ') || '(none)'}${s.invalid.length ? `; skipped invalid: ${s.invalid.join(', ')}` : ''}`;
    case 'trying':
      return `trying ${s.server}`;
    case 'connected': {
      const how = s.reused ? 'reused connection to' : 'connected to';
      if (!s.tls) return `${how} ${s.server}, not encrypted`;
      const t = s.tls;
      return `${how} ${s.server}, ${t.version} (${t.cipher}), certificate subject ${t.subject || '(none)'}, issuer ${t.issuer || '(none)'}, ${t.verified ? 'verified' : 'NOT verified'}`;
    }
    case 'authenticated':
      return `authenticated as ${s.user}`;
    case 'accepted':
      return `accepted by ${s.server}: ${s.response}` +
        (s.rejected.length ? `; rejected: ${s.rejected.map((r) => `${r.address} (${r.reply})`).join(', ')}` : '');
    case 'failed':
      return `failed: ${describeFailure(s.failure)} (${s.retry ? 'temporary, would be retried' : 'permanent'})`;
  }
}

export async function testNotify(args: CliArgs, io: Io): Promise<number> {
  const result = loadPlan(args.config);
  if (!result.ok) {
    printIssues(result.issues, io.stderr);
    return 1;
  }
  const { plan } = result;
  const id = args.target!;
  const cp = plan.channels.get(id);
  if (!cp) {
    io.stderr(`unknown channel "${id}"; configured: ${[...plan.channels.keys()].join(', ') || '(none)'}\n`);
    return 1;
  }
  // Log records go to stderr, so stdout holds the report (and a log channel's own line).
  const log = createLogger({ level: args.logLevel ?? 'warn', destination: process.stderr });
  const channel = buildChannel(cp, {
    log,
    stdout: process.stdout,
    configDir: plan.loaded.dir,
    email: { trace: (s) => io.stdout(`  ${describeStep(s)}\n`) },
  });
  const n = testNotification(id, Date.now());
  io.stdout(`sending test notification ${n.id} through ${cp.config.type} channel "${id}"\n`);
  const signal = AbortSignal.timeout(channel.policy.attemptTimeoutMs);
  let code: number;
  try {
    const d = await channel.output.send(n, signal);
    if (d.status === 'sent') {
      io.stdout(`delivered${d.detail ? `: ${d.detail}` : ''}\n`);
      code = 0;
    } else {
      const kind = d.status === 'retry' ? 'temporary failure, the gateway would retry' : 'permanent failure, the gateway would not retry';
      io.stdout(`NOT delivered (${d.error.code}, ${kind}): ${d.error.message}\n`);
      code = 1;
    }
  } catch (err) {
    io.stdout(`NOT delivered: the output threw (a bug): ${(err as Error)?.message ?? String(err)}\n`);
    code = 1;
  } finally {
    await channel.output.close();
  }
  return code;
}
