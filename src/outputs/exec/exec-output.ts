/**
 * The `exec` output: runs a hook program with the notification. Never through a shell:
 * each `%Keyword%` argument becomes exactly one argv element. The notification goes to
 * stdin as JSON, key values into `EVENTGATE_*` variables of an otherwise clean environment.
 * This module renders the request; run-hook.ts runs it (process group, timeout, process
 * limit, bounded output) with the runner the gateway passes: the hook spawner (spawner.ts)
 * or, without Perl, the Node runner processes (hook-runner.ts).
 */
import { GatewayError, type ErrorCode } from '../../core/errors.js';
import type { Delivery, Output, Verified } from '../../core/output.js';
import type { Notification } from '../../core/notification.js';
import type { Secret } from '../../core/secret.js';
import { notificationData } from '../../core/template-data.js';
import type { Template } from '../../core/template.js';
import type { Logger } from '../../observe/logger.js';
import { hookEnvironment } from './environment.js';
import { inProcessRunner, type HookRunner } from './hook-runner.js';
import { whyNotRunnable, type HookOutcome } from './run-hook.js';

export interface ExecOutputOptions {
  readonly id: string;
  readonly command: string;
  readonly args: readonly Template[];
  readonly timeoutMs: number;
  readonly cwd?: string;
  readonly env: Readonly<Record<string, string | Secret>>;
  readonly envAllow: readonly string[];
  readonly permanentExitCodes: ReadonlySet<number>;
  readonly maxOutputBytes: number;
  /** Processes the hook's group may hold at once (the hook included); 0 = no limit. */
  readonly maxProcesses?: number;
}

function delivery(o: HookOutcome): Delivery {
  const detail = o.detail !== undefined ? { detail: o.detail } : {};
  if (o.status === 'sent' || !o.error) return { status: 'sent', ...detail };
  const error = new GatewayError(o.error.code as ErrorCode, o.error.message, o.error.retryable === undefined ? {} : { retryable: o.error.retryable });
  return { status: o.status, error, ...detail };
}

export function createExecOutput(opts: ExecOutputOptions, deps: { log: Logger; runner?: HookRunner }): Output {
  const runner = deps.runner ?? inProcessRunner;
  const log = deps.log.child({ component: 'exec', channel: opts.id });
  // A hook that prints its environment must not put the channel's secrets into our log.
  const secrets = Object.values(opts.env).flatMap((v) => (typeof v === 'string' || v.reveal().length < 4 ? [] : [v.reveal()]));

  async function send(n: Notification, signal: AbortSignal): Promise<Delivery> {
    const data = notificationData(n);
    const argv = opts.args.map((t) => t.render(data));
    const nul = argv.findIndex((a) => a.includes('\0'));
    if (nul >= 0) return { status: 'failed', error: new GatewayError('ERR_EXEC_ARG', `argument ${nul + 1} contains a NUL byte`) };
    const outcome = await runner.run({
      command: opts.command, argv, env: hookEnvironment(n, data, opts.env, opts.envAllow), cwd: opts.cwd ?? '/',
      stdin: JSON.stringify(n) + '\n', timeoutMs: opts.timeoutMs, maxProcesses: opts.maxProcesses ?? 0,
      maxOutputBytes: opts.maxOutputBytes, permanentExitCodes: [...opts.permanentExitCodes], secrets,
    }, signal);
    log[outcome.log.level]({ notification: n.id, ...outcome.log.fields }, outcome.log.msg);
    return delivery(outcome);
  }

  async function verify(): Promise<Verified> {
    const why = await whyNotRunnable(opts.command, opts.cwd ?? '/');
    return why ? { ok: false, detail: why } : { ok: true, detail: `${opts.command} can be run (by this user; the service runs as its own)` };
  }

  return { id: opts.id, type: 'exec', send, verify, async close() {} };
}
