/**
 * Running one hook: spawn without a shell in its own process group, the notification on
 * stdin, kill the group at the timeout, after exit, and as soon as it holds more than
 * `maxProcesses` processes; keep at most `maxOutputBytes` of stdout and of stderr. The
 * request and the outcome are plain data (structured-clone safe), so this runs in the hook
 * runner process (runner-host.ts) as well as in process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
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

export function runHook(req: HookRequest, signal: AbortSignal): Promise<HookOutcome> {
  const redact = (o: Captured): Captured => ({ ...o, text: req.secrets.reduce((t, v) => t.split(v).join('<secret>'), o.text) });
  return new Promise<HookOutcome>((resolve) => {
    let settled = false;
    let timedOut = false;
    let overLimit = false;
    let spawnFailed = false;
    const child = spawn(req.command, [...req.argv], {
      cwd: req.cwd,
      env: req.env,
      detached: true, // own process group, so the timeout can end the hook and its children
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
    });
    const out = capture(child.stdout, req.maxOutputBytes);
    const err = capture(child.stderr, req.maxOutputBytes);
    const finish = (o: HookOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(watch);
      signal.removeEventListener('abort', onAbort);
      resolve(o);
    };
    const terminate = () => {
      killGroup(child, 'SIGTERM');
      setTimeout(() => killGroup(child, 'SIGKILL'), KILL_GRACE_MS).unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      terminate();
    }, req.timeoutMs);
    // A fork bomb gets no grace period: SIGKILL the whole group at once.
    const watch = setInterval(() => {
      if (req.maxProcesses <= 0 || child.pid === undefined || overLimit) return;
      void countProcessGroup(child.pid).then((n) => {
        if (n === undefined || n <= req.maxProcesses || settled) return;
        overLimit = true;
        killGroup(child, 'SIGKILL');
      });
    }, WATCH_EVERY_MS);
    watch.unref();
    const onAbort = () => {
      timedOut = true;
      terminate();
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });

    child.on('error', (e: NodeJS.ErrnoException) => {
      const permanent = e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'ENOTDIR';
      spawnFailed = true; // 'close' follows; the result is this error, once explained
      out.stop();
      err.stop();
      void explainSpawnError(req.command, req.cwd, e.code).then((message) => {
        finish({
          status: permanent ? 'failed' : 'retry', error: { code: 'ERR_EXEC_SPAWN', message, retryable: !permanent },
          log: { level: 'error', msg: message, fields: { code: e.code } },
        });
      });
    });
    child.stdin?.on('error', () => {
      // EPIPE: the hook does not read stdin. That is its choice, not a failure.
    });
    child.stdin?.end(req.stdin);
    // Whatever the hook left running in its group ends with it; that also closes the pipes.
    child.on('exit', () => killGroup(child, 'SIGKILL'));
    child.on('close', (code, sig) => {
      if (spawnFailed) return;
      // The pipes close when the last holder exits; one that left the group gets a second.
      const drained = Promise.all([out.done, err.done]);
      const bound = setTimeout(() => { out.stop(); err.stop(); }, PIPE_DRAIN_MS);
      void drained.then(() => {
        clearTimeout(bound);
        finish(outcome(code, sig));
      });
    });

    function outcome(code: number | null, sig: NodeJS.Signals | null): HookOutcome {
      const output = outputSummary(redact(out.read()), redact(err.read()));
      const detail = (what: string) => (output ? `${what}; ${output}` : what);
      const fields = { exitCode: code, signal: sig, hook: { output } };
      if (overLimit) {
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
