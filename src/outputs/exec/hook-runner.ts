/**
 * Where hooks are spawned. fork(2) copies the page tables of the process that spawns, and
 * blocks its event loop meanwhile: measured here, 2 ms from a 50 MB process and 11 ms from a
 * 210 MB one, so spawning from the gateway itself (rule packs and MIBs make it ~170 MB)
 * stalls ingestion and caps hooks at ~130/s. The process runner forks small helper
 * processes (runner-host.ts) once and sends them each hook as a message; the gateway's event
 * loop never forks. The helper ends when the gateway does (its IPC channel closes), killing
 * the hooks it runs. Should it die, hooks in flight come back as retries and the next hook
 * starts a new one. The gateway uses these helpers only where the smaller and cheaper Perl
 * hook spawner (spawner.ts) cannot run: a host without /usr/bin/perl.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runHook, type HookOutcome, type HookRequest } from './run-hook.js';

export interface HookRunner {
  run(req: HookRequest, signal: AbortSignal): Promise<HookOutcome>;
  close(): Promise<void>;
}

/** Spawns from this process (tests; `eventgate test-notify`, which runs one hook). */
export const inProcessRunner: HookRunner = { run: runHook, close: async () => {} };

export type RunnerMessage = { readonly id: number; readonly request: HookRequest } | { readonly id: number; readonly cancel: true };
export interface RunnerReply {
  readonly id: number;
  readonly outcome: HookOutcome;
}

/** The helper's entry beside this module: .js from dist/, .ts under tsx (tests). */
const HOST = fileURLToPath(new URL(`./runner-host${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/** The gateway's flags minus its profiler, inspector and heap size (a small heap suits the helper). */
export function helperExecArgv(argv: readonly string[]): string[] {
  const own = /^--(cpu-prof|heap-prof|inspect|max-old-space-size)/;
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!own.test(a)) out.push(a);
    // `--cpu-prof-dir DIR`: the value is the next element.
    else if (!a.includes('=') && /-(dir|name|port|interval)$/.test(a)) i++;
  }
  return out;
}

/**
 * The helper needs none of the gateway's environment (each hook gets the one its channel
 * builds), so secrets given to the service as variables do not sit in the helpers' environ.
 */
export const RUNNER_ENV = Object.fromEntries(['PATH', 'LANG', 'TZ'].flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k]!]])));

/**
 * Niceness the runner processes add to the gateway's, and with them every hook: when hooks
 * flood the CPUs, the kernel gives the listeners the CPU first (what a listener cannot read
 * in time is lost; a hook only waits in the outbox). Measured with hooks flat out beside
 * syslog at 10,000/s (`npm run bench`, udp-3164+hooks): ingest p99 26–49 ms instead of
 * 41–241 ms, and as many hook runs a second.
 */
export const HOOK_NICE_INCREMENT = 10;

/** Lowers this process's CPU priority by `increment` (at most to 19); false when not permitted. */
export function lowerOwnPriority(increment: number): boolean {
  try {
    setPriority(Math.min(19, getPriority() + increment));
    return true;
  } catch {
    return false;
  }
}

/** The outcome of a hook whose runner process (`who`) went away: a retry. */
export const runnerLost = (who: string, why: string): HookOutcome => ({
  status: 'retry', error: { code: 'ERR_EXEC_SPAWN', message: `the ${who} process ${why}`, retryable: true },
  log: { level: 'error', msg: `the ${who} process ${why}; the hook will be retried`, fields: {} },
});
const lost = (why: string) => runnerLost('hook runner', why);

/** One helper process and the hooks it runs. */
function createHelper() {
  let child: ChildProcess | undefined;
  let nextId = 1;
  const waiting = new Map<number, (o: HookOutcome) => void>();

  function start(): ChildProcess {
    const c = fork(HOST, [], {
      execArgv: [...helperExecArgv(process.execArgv), '--max-old-space-size=64'],
      env: RUNNER_ENV,
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    c.on('message', (m: RunnerReply) => {
      const resolve = waiting.get(m.id);
      waiting.delete(m.id);
      if (waiting.size === 0) hold(c, false);
      resolve?.(m.outcome);
    });
    c.on('error', () => {
      // 'exit' follows and settles what was in flight.
    });
    c.on('exit', (code, sig) => {
      if (child === c) child = undefined;
      const outcome = lost(`exited (${sig ?? `code ${code}`})`);
      for (const resolve of waiting.values()) resolve(outcome);
      waiting.clear();
    });
    hold(c, false);
    return c;
  }

  return {
    load: () => waiting.size,
    run(request: HookRequest, signal: AbortSignal): Promise<HookOutcome> {
      const c = (child ??= start());
      const id = nextId++;
      return new Promise<HookOutcome>((resolve) => {
        const onAbort = () => c.send({ id, cancel: true } satisfies RunnerMessage, () => {});
        if (waiting.size === 0) hold(c, true);
        waiting.set(id, (o) => {
          signal.removeEventListener('abort', onAbort);
          resolve(o);
        });
        signal.addEventListener('abort', onAbort, { once: true });
        c.send({ id, request } satisfies RunnerMessage, (err) => {
          if (!err) return;
          waiting.delete(id);
          if (waiting.size === 0) hold(c, false);
          signal.removeEventListener('abort', onAbort);
          resolve(lost(`could not be reached (${err.message})`));
        });
      });
    },
    async close(): Promise<void> {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.disconnect();
      const timeout = setTimeout(() => c.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timeout);
    },
  };
}

/** An idle helper does not keep this process alive; one running hooks does. */
function hold(c: ChildProcess, on: boolean): void {
  if (on) {
    c.ref();
    c.channel?.ref();
  } else {
    c.unref();
    c.channel?.unref();
  }
}

const HELPERS = 4;

/**
 * `size` helpers (default 4), each hook to the least busy one; a helper is started at its
 * first hook, so a quiet gateway runs one. Four even on fewer CPUs: a helper mostly waits
 * on fork, exec and the hook's pipes, so with two CPUs four helpers gave 368–399 hook runs
 * a second against 299–312 with two (bench exec-hook@800).
 */
export function createProcessRunner(size = HELPERS): HookRunner {
  const helpers = Array.from({ length: size }, createHelper);
  return {
    run(request, signal) {
      let best = helpers[0]!;
      for (const h of helpers) if (h.load() < best.load()) best = h;
      return best.run(request, signal);
    },
    async close() {
      await Promise.all(helpers.map((h) => h.close()));
    },
  };
}
