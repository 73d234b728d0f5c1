/**
 * The `exec` output: runs a hook program with the notification. Never through a shell:
 * each `%Keyword%` argument becomes exactly one argv element. The notification goes to
 * stdin as JSON, key values into `EVENTGATE_*` variables of an otherwise clean environment.
 * The hook runs in its own process group, which is killed at the timeout, after exit, and
 * as soon as it holds more than `maxProcesses` processes. stdout and stderr are kept up to
 * `maxOutputBytes` each (the rest is read and dropped, so memory stays flat whatever the
 * hook writes) and reported in the log and in the delivery result.
 */
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { access, constants, stat } from 'node:fs/promises';
import { GatewayError } from '../../core/errors.js';
import type { Delivery, Output } from '../../core/output.js';
import type { Notification } from '../../core/notification.js';
import type { Secret } from '../../core/secret.js';
import { notificationData } from '../../core/template-data.js';
import type { Template } from '../../core/template.js';
import type { Logger } from '../../observe/logger.js';
import { escapeControls } from '../../core/text.js';
import { hookEnvironment } from './environment.js';
import { capture, type Captured } from './capture.js';
import { countProcessGroup } from './process-group.js';

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
  /** Processes the hook's group may hold at once (the hook included); 0 = no limit. */
  readonly maxProcesses?: number;
}

const KILL_GRACE_MS = 2000;
const WATCH_EVERY_MS = 100;
const PIPE_DRAIN_MS = 1000;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** One line for the log and the delivery result: the captured output, escaped. */
function outputSummary(stdout: Captured, stderr: Captured): string {
  const part = (name: string, c: Captured) => `${name}: "${escapeControls(c.text)}"${c.truncated ? ' (truncated)' : ''}`;
  return [stdout.text || stdout.truncated ? part('stdout', stdout) : '', stderr.text || stderr.truncated ? part('stderr', stderr) : '']
    .filter(Boolean).join('; ');
}

/** Says which of command and working directory is the problem behind a spawn error. */
async function explainSpawnError(command: string, cwd: string, code: string | undefined): Promise<string> {
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') {
    const dir = await stat(cwd).catch(() => undefined);
    if (!dir?.isDirectory()) return `working directory ${cwd} does not exist or is not a directory`;
    const file = await stat(command).catch(() => undefined);
    if (!file) return `command ${command} does not exist`;
    if (!file.isFile()) return `command ${command} is not a regular file`;
    if (await access(command, constants.X_OK).then(() => false, () => true)) return `command ${command} is not executable`;
  }
  return `cannot run ${command}: ${code ?? 'unknown error'}`;
}

export function createExecOutput(opts: ExecOutputOptions, deps: { log: Logger; spawn?: SpawnFn }): Output {
  const spawn = deps.spawn ?? (nodeSpawn as SpawnFn);
  const log = deps.log.child({ component: 'exec', channel: opts.id });
  // A hook that prints its environment must not put the channel's secrets into our log.
  const secrets = Object.values(opts.env).flatMap((v) => (typeof v === 'string' || v.reveal().length < 4 ? [] : [v.reveal()]));
  const redact = (o: { text: string; truncated: boolean }) => ({ ...o, text: secrets.reduce((t, v) => t.split(v).join('<secret>'), o.text) });

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
      let overLimit = false;
      let spawnFailed = false;
      const cwd = opts.cwd ?? '/';
      const child = spawn(opts.command, argv, {
        cwd,
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
        clearInterval(watch);
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
      const max = opts.maxProcesses ?? 0;
      // A fork bomb gets no grace period: SIGKILL the whole group at once.
      const watch = setInterval(() => {
        if (max <= 0 || child.pid === undefined || overLimit) return;
        void countProcessGroup(child.pid).then((n) => {
          if (n === undefined || n <= max || settled) return;
          overLimit = true;
          killGroup(child, 'SIGKILL');
        });
      }, WATCH_EVERY_MS);
      watch.unref();
      const onAbort = () => {
        timedOut = true;
        terminate();
      };
      signal.addEventListener('abort', onAbort, { once: true });

      child.on('error', (e: NodeJS.ErrnoException) => {
        const permanent = e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'ENOTDIR';
        spawnFailed = true; // 'close' follows; the result is this error, once explained
        out.stop();
        err.stop();
        void explainSpawnError(opts.command, cwd, e.code).then((message) => {
          const error = new GatewayError('ERR_EXEC_SPAWN', message, { retryable: !permanent, cause: e });
          log.error({ notification: n.id, code: e.code }, message);
          finish(permanent ? { status: 'failed', error } : { status: 'retry', error });
        });
      });
      child.stdin?.on('error', () => {
        // EPIPE: the hook does not read stdin. That is its choice, not a failure.
      });
      child.stdin?.end(JSON.stringify(n) + '\n');
      // Whatever the hook left running in its group ends with it; that also closes the pipes.
      child.on('exit', () => killGroup(child, 'SIGKILL'));
      child.on('close', (code, sig) => {
        if (spawnFailed) return;
        // The pipes close when the last holder exits; one that left the group gets a second.
        const drained = Promise.all([out.done, err.done]);
        const bound = setTimeout(() => { out.stop(); err.stop(); }, PIPE_DRAIN_MS);
        void drained.then(() => {
          clearTimeout(bound);
          settle(code, sig);
        });
      });
      const settle = (code: number | null, sig: NodeJS.Signals | null) => {
        const output = outputSummary(redact(out.read()), redact(err.read()));
        const detail = (what: string) => (output ? `${what}; ${output}` : what);
        const fields = { notification: n.id, exitCode: code, signal: sig, hook: { output } };
        if (overLimit) {
          log.warn(fields, 'hook exceeded its process limit; killed');
          finish({ status: 'failed', error: new GatewayError('ERR_EXEC_LIMIT', `hook group held more than ${max} processes; killed`), detail: detail('killed') });
        } else if (timedOut) {
          log.warn(fields, 'hook timed out; killed');
          finish({ status: 'retry', error: new GatewayError('ERR_OUTPUT_TIMEOUT', `hook did not finish within ${opts.timeoutMs} ms; killed`), detail: detail('killed') });
        } else if (code === 0) {
          log.debug(fields, 'hook succeeded');
          finish({ status: 'sent', detail: detail('exit 0') });
        } else if (sig) {
          log.warn(fields, 'hook ended by a signal');
          finish({ status: 'retry', error: new GatewayError('ERR_EXEC_SIGNAL', `hook ended by ${sig}`), detail: detail(String(sig)) });
        } else {
          log.warn(fields, 'hook failed');
          const permanent = opts.permanentExitCodes.has(code ?? -1);
          const error = new GatewayError('ERR_EXEC_EXIT', `hook exited with status ${code}`, { retryable: !permanent });
          finish(permanent ? { status: 'failed', error, detail: detail(`exit ${code}`) } : { status: 'retry', error, detail: detail(`exit ${code}`) });
        }
      };
    });
  }

  return { id: opts.id, type: 'exec', send: run, async close() {} };
}
