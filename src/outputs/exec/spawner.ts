/**
 * The hook spawner: one small Perl process (libexec/hook-spawner.pl, perl-base only) forks
 * and execs every hook. fork(2) costs in proportion to the memory of the process that
 * forks: 1.4 ms of CPU from a Node helper, 0.25 ms from the spawner, so a busy host runs
 * twice as many hooks a second. The spawner spawns, feeds stdin, keeps the capped output,
 * enforces the process limit (its /proc scans stay off the event loop) and reports the exit;
 * it and its hooks run below the gateway's CPU priority (HOOK_NICE_INCREMENT);
 * the timeout, aborts and the outcome are superviseHook's, as for a hook spawned here. Should the spawner die, the hooks in
 * flight are killed and come back as retries, and the next hook starts a new spawner.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fs } from 'node:fs';
import { constants as os } from 'node:os';
import { fileURLToPath } from 'node:url';
import { HOOK_NICE_INCREMENT, runnerLost, RUNNER_ENV, type HookRunner } from './hook-runner.js';
import { superviseHook, type HookExit, type HookOutcome, type SpawnedHook } from './run-hook.js';

export const SPAWNER_SCRIPT = fileURLToPath(new URL('../../../libexec/hook-spawner.pl', import.meta.url));
/** perl-base is Essential in Debian; elsewhere the Node runner processes take over. */
export const PERL = '/usr/bin/perl';

export function spawnerAvailable(perl = PERL): boolean {
  try {
    accessSync(perl, fs.X_OK);
    accessSync(SPAWNER_SCRIPT, fs.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** A frame: a 32-bit big-endian length, then each field as a 32-bit length + bytes. */
export function encodeFrame(fields: readonly (string | number)[]): Buffer {
  const texts = fields.map(String);
  let size = 4;
  for (const t of texts) size += 4 + Buffer.byteLength(t, 'utf8');
  const out = Buffer.allocUnsafe(size);
  let at = out.writeUInt32BE(size - 4, 0);
  for (const t of texts) {
    const n = out.write(t, at + 4, 'utf8');
    out.writeUInt32BE(n, at);
    at += 4 + n;
  }
  return out;
}

/** Splits whole frames off `buf`; returns their fields and what is left of `buf`. */
export function decodeFrames(buf: Buffer): { frames: Buffer[][]; rest: Buffer } {
  const frames: Buffer[][] = [];
  let at = 0;
  while (buf.length - at >= 4 && buf.length - at - 4 >= buf.readUInt32BE(at)) {
    const end = at + 4 + buf.readUInt32BE(at);
    const fields: Buffer[] = [];
    for (let i = at + 4; i < end; ) {
      const len = buf.readUInt32BE(i);
      fields.push(buf.subarray(i + 4, i + 4 + len));
      i += 4 + len;
    }
    frames.push(fields);
    at = end;
  }
  return { frames, rest: buf.subarray(at) };
}

const SIGNAL_NAMES = new Map(Object.entries(os.signals).map(([name, n]) => [n, name as NodeJS.Signals]));

const lost = (why: string) => runnerLost('hook spawner', why);

interface InFlight {
  readonly spawner: ChildProcess;
  pid?: number;
  started(s: { pid: number } | { errorCode: string }): void;
  finished(e: HookExit): void;
  lost(o: HookOutcome): void;
}

const unset = () => {};

export function createSpawnerRunner(perl = PERL): HookRunner {
  let child: ChildProcess | undefined;
  let nextId = 1;
  const closing = new WeakSet<ChildProcess>();
  const inFlight = new Map<number, InFlight>();

  function onFrame(c: ChildProcess, [verb, idField, ...f]: Buffer[]): void {
    const id = Number(idField?.toString());
    const h = inFlight.get(id);
    if (!h || !verb) return;
    const text = (i: number) => f[i]?.toString('utf8') ?? '';
    switch (verb.toString()) {
      case 'started':
        h.pid = Number(text(0));
        h.started({ pid: h.pid });
        return;
      case 'failed':
        inFlight.delete(id);
        hold(c, inFlight.size > 0);
        h.started({ errorCode: text(0) });
        return;
      case 'done':
        inFlight.delete(id);
        hold(c, inFlight.size > 0);
        // Ended by the shutdown (SIGTERM), whatever its status: deliver it again next time.
        if (closing.has(c)) return h.lost(lost('was stopped with the gateway'));
        h.finished({
          code: text(0) === '' ? null : Number(text(0)),
          signal: text(1) === '' ? null : SIGNAL_NAMES.get(Number(text(1))) ?? null,
          stdout: { text: text(3), truncated: text(2) === '1' },
          stderr: { text: text(5), truncated: text(4) === '1' },
          overLimit: text(6) === '1',
        });
    }
  }

  function start(): ChildProcess {
    // It lowers its own priority before its first hook: every hook inherits it.
    const c = spawn(perl, [SPAWNER_SCRIPT, String(HOOK_NICE_INCREMENT)], { env: RUNNER_ENV, stdio: ['pipe', 'pipe', 'inherit'] });
    let rest = Buffer.alloc(0);
    c.stdout!.on('data', (chunk: Buffer) => {
      const decoded = decodeFrames(rest.length ? Buffer.concat([rest, chunk]) : chunk);
      rest = Buffer.from(decoded.rest);
      for (const frame of decoded.frames) onFrame(c, frame);
    });
    c.stdin!.on('error', () => {
      // The spawner is gone; 'exit' settles what was in flight.
    });
    const gone = (why: string) => {
      if (child === c) child = undefined;
      const outcome = lost(why);
      for (const [id, h] of inFlight) {
        if (h.spawner !== c) continue;
        inFlight.delete(id);
        // Orphaned: end the hook and whatever it started, as a timeout would.
        if (h.pid !== undefined) {
          try {
            process.kill(-h.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        h.lost(outcome);
      }
    };
    c.on('error', (err) => gone(`could not be started (${err.message})`));
    c.on('exit', (code, sig) => gone(`exited (${sig ?? `code ${code}`})`));
    hold(c, false);
    return c;
  }

  return {
    run(req, signal) {
      const c = (child ??= start());
      const id = nextId++;
      const h: InFlight = { spawner: c, started: unset, finished: unset, lost: unset };
      const hook: SpawnedHook = {
        started: new Promise((r) => { h.started = r; }),
        finished: new Promise((r) => { h.finished = r; }),
        lost: new Promise((r) => { h.lost = r; }),
        limitsProcesses: true,
        // The spawner handles frames in order, so this reaches a hook it has started.
        kill: (sig) => { if (inFlight.has(id)) c.stdin!.write(encodeFrame(['signal', id, os.signals[sig]])); },
      };
      inFlight.set(id, h);
      hold(c, true);
      const env = Object.entries(req.env);
      c.stdin!.write(encodeFrame([
        'run', id, req.command, req.cwd, req.stdin, req.maxOutputBytes, req.maxProcesses,
        req.argv.length, ...req.argv, env.length, ...env.flat(),
      ]));
      return superviseHook(req, signal, hook);
    },
    async close(): Promise<void> {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      closing.add(c);
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.stdin!.end(); // the spawner ends its hooks (SIGTERM, SIGKILL after 2 s) and exits
      const timeout = setTimeout(() => c.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timeout);
    },
  };
}

/** An idle spawner does not keep this process alive; one running hooks does. */
function hold(c: ChildProcess | undefined, on: boolean): void {
  // The pipes are net.Sockets, which a child's stdio types do not say.
  for (const h of [c, c?.stdout, c?.stdin] as ({ ref(): void; unref(): void } | null | undefined)[]) {
    if (on) h?.ref();
    else h?.unref();
  }
}
