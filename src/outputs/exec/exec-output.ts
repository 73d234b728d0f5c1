/**
 * The `exec` output: runs a hook program with the notification. Never through a shell:
 * each `%Keyword%` argument becomes exactly one argv element. The notification goes to
 * stdin as JSON, key values into `EVENTGATE_*` variables of an otherwise clean environment.
 * The hook runs in its own process group, which is killed at the timeout and after exit.
 */
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { GatewayError } from '../../core/errors.js';
import type { Delivery, Output } from '../../core/output.js';
import type { Notification } from '../../core/notification.js';
import type { Secret } from '../../core/secret.js';
import { notificationData } from '../../core/template-data.js';
import type { Template } from '../../core/template.js';
import type { Logger } from '../../observe/logger.js';
import { hookEnvironment } from './environment.js';

export type SpawnFn = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

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
}

const KILL_GRACE_MS = 2000;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Collects at most `max` bytes of a stream and discards the rest (the hook never blocks). */
function capture(stream: NodeJS.ReadableStream | null, max: number): () => { text: string; truncated: boolean } {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  stream?.on('data', (c: Buffer) => {
    if (size >= max) {
      truncated = true;
      return;
    }
    const part = c.subarray(0, max - size);
    if (part.length < c.length) truncated = true;
    chunks.push(part);
    size += part.length;
  });
  return () => ({ text: Buffer.concat(chunks).toString('utf8'), truncated });
}

export function createExecOutput(opts: ExecOutputOptions, deps: { log: Logger; spawn?: SpawnFn }): Output {
  const spawn = deps.spawn ?? (nodeSpawn as SpawnFn);
  const log = deps.log.child({ component: 'exec', channel: opts.id });

  function run(n: Notification, signal: AbortSignal): Promise<Delivery> {
    const data = notificationData(n);
    const argv = opts.args.map((t) => t.render(data));
    const nul = argv.findIndex((a) => a.includes('\0'));
    if (nul >= 0) {
      return Promise.resolve({ status: 'failed', error: new GatewayError('ERR_EXEC_ARG', `argument ${nul + 1} contains a NUL byte`) });
    }
    return new Promise<Delivery>((resolve) => {
      let settled = false;
      let timedOut = false;
      const child = spawn(opts.command, argv, {
        cwd: opts.cwd ?? '/',
        env: hookEnvironment(n, data, opts.env, opts.envAllow),
        detached: true, // own process group, so the timeout can end the hook and its children
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
        windowsHide: true,
      });
      const out = capture(child.stdout, opts.maxOutputBytes);
      const err = capture(child.stderr, opts.maxOutputBytes);
      const finish = (d: Delivery) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(d);
      };
      const terminate = () => {
        killGroup(child, 'SIGTERM');
        setTimeout(() => killGroup(child, 'SIGKILL'), KILL_GRACE_MS).unref();
      };
      const timer = setTimeout(() => {
        timedOut = true;
        terminate();
      }, opts.timeoutMs);
      const onAbort = () => {
        timedOut = true;
        terminate();
      };
      signal.addEventListener('abort', onAbort, { once: true });

      child.on('error', (e: NodeJS.ErrnoException) => {
        const permanent = e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'ENOTDIR';
        const error = new GatewayError('ERR_EXEC_SPAWN', `cannot run ${opts.command}: ${e.code ?? e.message}`, { retryable: !permanent, cause: e });
        finish(permanent ? { status: 'failed', error } : { status: 'retry', error });
      });
      child.stdin?.on('error', () => {
        // EPIPE: the hook does not read stdin. That is its choice, not a failure.
      });
      child.stdin?.end(JSON.stringify(n) + '\n');
      // Whatever the hook left running in its group ends with it; that also closes the pipes.
      child.on('exit', () => killGroup(child, 'SIGKILL'));
      child.on('close', (code, sig) => {
        const output = { stdout: out(), stderr: err() };
        if (timedOut) {
          finish({ status: 'retry', error: new GatewayError('ERR_OUTPUT_TIMEOUT', `hook did not finish within ${opts.timeoutMs} ms; killed`) });
        } else if (code === 0) {
          log.debug({ notification: n.id, hook: output }, 'hook succeeded');
          finish({ status: 'sent', detail: 'exit 0' });
        } else if (sig) {
          finish({ status: 'retry', error: new GatewayError('ERR_EXEC_SIGNAL', `hook ended by ${sig}`) });
        } else {
          log.warn({ notification: n.id, exitCode: code, hook: output }, 'hook failed');
          const error = new GatewayError('ERR_EXEC_EXIT', `hook exited with status ${code}`, { retryable: !opts.permanentExitCodes.has(code ?? -1) });
          finish(opts.permanentExitCodes.has(code ?? -1) ? { status: 'failed', error } : { status: 'retry', error });
        }
      });
    });
  }

  return { id: opts.id, type: 'exec', send: run, async close() {} };
}
