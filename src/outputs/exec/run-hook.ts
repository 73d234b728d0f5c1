/**
 * Running one hook: spawn without a shell in its own process group, the notification on
 * stdin, kill the group at the timeout, after exit, and as soon as it holds more than
 * `maxProcesses` processes; keep at most `maxOutputBytes` of stdout and of stderr. The
 * request and the outcome are plain data (structured-clone safe). `superviseHook` holds the
 * bounds and the outcome, whoever spawned the hook: this process (`runHook`, also used by
 * the Node runner process, runner-host.ts) or the hook spawner (spawner.ts).
 */
import { spawn } from 'node:child_process';
import { access, constants, stat } from 'node:fs/promises';
import { escapeControls } from '../../core/text.js';
import { capture, type Captured } from './capture.js';
import { countProcessGroup } from './process-group.js';

export interface HookRequest {
  readonly command: string;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly stdin: string;
  readonly timeoutMs: number;
  /** Processes the hook's group may hold at once (the hook included); 0 = no limit. */
  readonly maxProcesses: number;
  readonly maxOutputBytes: number;
  readonly permanentExitCodes: readonly number[];
  /** Values replaced by `<secret>` in the output kept (a hook may print its environment). */
  readonly secrets: readonly string[];
}

/** What happened, as data: the exec output turns it into a Delivery and a log line. */
export interface HookOutcome {
  readonly status: 'sent' | 'retry' | 'failed';
  readonly error?: { readonly code: string; readonly message: string; readonly retryable?: boolean };
  readonly detail?: string;
  readonly log: { readonly level: 'debug' | 'warn' | 'error'; readonly msg: string; readonly fields: Record<string, unknown> };
}

const KILL_GRACE_MS = 2000;
const WATCH_EVERY_MS = 100;
const PIPE_DRAIN_MS = 1000;

/** One line for the log and the delivery result: the captured output, escaped. */
function outputSummary(stdout: Captured, stderr: Captured): string {
  const part = (name: string, c: Captured) => `${name}: "${escapeControls(c.text)}"${c.truncated ? ' (truncated)' : ''}`;
  return [stdout.text || stdout.truncated ? part('stdout', stdout) : '', stderr.text || stderr.truncated ? part('stderr', stderr) : '']
    .filter(Boolean).join('; ');
}

/** Says which of command and working directory is the problem behind a spawn error. */
/** Why `command` cannot be run from `cwd` by this user, or undefined when it can. */
export async function whyNotRunnable(command: string, cwd: string): Promise<string | undefined> {
  const dir = await stat(cwd).catch(() => undefined);
  if (!dir?.isDirectory()) return `working directory ${cwd} does not exist or is not a directory`;
  const file = await stat(command).catch(() => undefined);
  if (!file) return `command ${command} does not exist`;
  if (!file.isFile()) return `command ${command} is not a regular file`;
  if (await access(command, constants.X_OK).then(() => false, () => true)) return `command ${command} is not executable`;
  return undefined;
}

async function explainSpawnError(command: string, cwd: string, code: string): Promise<string> {
  const why = code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' ? await whyNotRunnable(command, cwd) : undefined;
  return why ?? `cannot run ${command}: ${code}`;
}

/** The hook's exit and what it printed (each stream capped at `maxOutputBytes`). */
export interface HookExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Captured;
  readonly stderr: Captured;
  /** Killed by whoever spawned it for holding more than `maxProcesses` processes. */
  readonly overLimit?: boolean;
}

/** A hook being run, whoever spawned it: this process or the hook spawner (spawner.ts). */
export interface SpawnedHook {
  /** The hook's pid (also its process group) once it runs, or the spawn error's code. */
  readonly started: Promise<{ readonly pid: number } | { readonly errorCode: string }>;
  /** Once it has exited and its pipes have closed (or a second after its exit). */
  readonly finished: Promise<HookExit>;
  /** Signals its process group, unless it has already exited. */
  kill(signal: NodeJS.Signals): void;
  /** Settles instead when whatever ran the hook is gone (the hook spawner died). */
  readonly lost?: Promise<HookOutcome>;
  /** Whoever spawned it enforces `maxProcesses` (reported as `overLimit`). */
  readonly limitsProcesses?: boolean;
}

/**
 * The request's bounds around a spawned hook: the timeout and an abort end the group
 * (SIGTERM, then SIGKILL), the process limit kills it at once; then the outcome.
 */
export function superviseHook(req: HookRequest, signal: AbortSignal, hook: SpawnedHook): Promise<HookOutcome> {
  return new Promise<HookOutcome>((resolve) => {
    let settled = false;
    let timedOut = false;
    let overLimit = false;
    let pid: number | undefined;
    const finish = (o: HookOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(watch);
      signal.removeEventListener('abort', onAbort);
      resolve(o);
    };
    const terminate = () => {
      hook.kill('SIGTERM');
      setTimeout(() => hook.kill('SIGKILL'), KILL_GRACE_MS).unref();
    };
    const onAbort = () => {
      timedOut = true;
      terminate();
    };
    const timer = setTimeout(onAbort, req.timeoutMs);
    // A fork bomb gets no grace period: SIGKILL the whole group at once.
    const watch = req.maxProcesses > 0 && !hook.limitsProcesses ? setInterval(() => {
      if (pid === undefined || overLimit) return;
      void countProcessGroup(pid).then((n) => {
        if (n === undefined || n <= req.maxProcesses || settled) return;
        overLimit = true;
        hook.kill('SIGKILL');
      });
    }, WATCH_EVERY_MS).unref() : undefined;
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });

    void hook.started.then((s) => {
      if ('pid' in s) {
        pid = s.pid;
        return;
      }
      const permanent = s.errorCode === 'ENOENT' || s.errorCode === 'EACCES' || s.errorCode === 'ENOTDIR';
      void explainSpawnError(req.command, req.cwd, s.errorCode).then((message) => finish({
        status: permanent ? 'failed' : 'retry', error: { code: 'ERR_EXEC_SPAWN', message, retryable: !permanent },
        log: { level: 'error', msg: message, fields: { code: s.errorCode } },
      }));
    });
    void hook.finished.then((exit) => finish(outcome(exit)));
    void hook.lost?.then(finish);

    function outcome({ code, signal: sig, stdout, stderr, overLimit: killedOverLimit }: HookExit): HookOutcome {
      const redact = (o: Captured): Captured => ({ ...o, text: req.secrets.reduce((t, v) => t.split(v).join('<secret>'), o.text) });
      const output = outputSummary(redact(stdout), redact(stderr));
      const detail = (what: string) => (output ? `${what}; ${output}` : what);
      const fields = { exitCode: code, signal: sig, hook: { output } };
      if (overLimit || killedOverLimit) {
        return { status: 'failed', error: { code: 'ERR_EXEC_LIMIT', message: `hook group held more than ${req.maxProcesses} processes; killed` },
          detail: detail('killed'), log: { level: 'warn', msg: 'hook exceeded its process limit; killed', fields } };
      }
      if (timedOut) {
        return { status: 'retry', error: { code: 'ERR_OUTPUT_TIMEOUT', message: `hook did not finish within ${req.timeoutMs} ms; killed` },
          detail: detail('killed'), log: { level: 'warn', msg: 'hook timed out; killed', fields } };
      }
      if (code === 0) return { status: 'sent', detail: detail('exit 0'), log: { level: 'debug', msg: 'hook succeeded', fields } };
      if (sig) {
        return { status: 'retry', error: { code: 'ERR_EXEC_SIGNAL', message: `hook ended by ${sig}` },
          detail: detail(String(sig)), log: { level: 'warn', msg: 'hook ended by a signal', fields } };
      }
      const permanent = req.permanentExitCodes.includes(code ?? -1);
      return { status: permanent ? 'failed' : 'retry', error: { code: 'ERR_EXEC_EXIT', message: `hook exited with status ${code}`, retryable: !permanent },
        detail: detail(`exit ${code}`), log: { level: 'warn', msg: 'hook failed', fields } };
    }
  });
}

/** Spawns the hook from this process (libuv forks it). */
function spawnHook(req: HookRequest): SpawnedHook {
  const child = spawn(req.command, [...req.argv], {
    cwd: req.cwd,
    env: req.env,
    detached: true, // own session and process group, so the timeout can end the hook and its children
    stdio: ['pipe', 'pipe', 'pipe'],
    shell: false,
    windowsHide: true,
  });
  const out = capture(child.stdout, req.maxOutputBytes);
  const err = capture(child.stderr, req.maxOutputBytes);
  let exited = false;
  const killGroup = (sig: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // ESRCH: the group is already gone.
    }
  };
  const started = new Promise<{ pid: number } | { errorCode: string }>((resolve) => {
    if (child.pid !== undefined) resolve({ pid: child.pid });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // a failed kill of a running hook: not a spawn error
      out.stop();
      err.stop();
      resolve({ errorCode: e.code ?? 'unknown error' });
    });
  });
  child.stdin?.on('error', () => {
    // EPIPE: the hook does not read stdin. That is its choice, not a failure.
  });
  child.stdin?.end(req.stdin);
  // Whatever the hook left running in its group ends with it; that also closes the pipes.
  child.on('exit', () => {
    killGroup('SIGKILL');
    exited = true;
  });
  const finished = new Promise<HookExit>((resolve) => {
    child.on('close', (code, sig) => {
      if (child.pid === undefined) return; // it never ran: `started` has the error
      // The pipes close when the last holder exits; one that left the group gets a second.
      const bound = setTimeout(() => { out.stop(); err.stop(); }, PIPE_DRAIN_MS);
      void Promise.all([out.done, err.done]).then(() => {
        clearTimeout(bound);
        resolve({ code, signal: sig, stdout: out.read(), stderr: err.read() });
      });
    });
  });
  return { started, finished, kill: (sig) => { if (!exited) killGroup(sig); } };
}

export function runHook(req: HookRequest, signal: AbortSignal): Promise<HookOutcome> {
  return superviseHook(req, signal, spawnHook(req));
}
