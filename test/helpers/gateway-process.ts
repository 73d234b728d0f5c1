/**
 * Runs `eventgate` as a child process, the way systemd does, for e2e tests: writes the
 * config into a temp dir, starts `src/main.ts` through tsx, collects stdout and stderr
 * lines, and learns the bound ports from the "listening" log record (configs use port 0).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { waitFor } from './wait.js';

export const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'src/main.ts');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one eventgate command to completion. */
export function runCli(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`eventgate ${args.join(' ')} did not finish; stderr: ${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
    // A command that does not read its input may exit first: EPIPE on stdin is no failure.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

export interface RunningGateway {
  readonly child: ChildProcess;
  readonly configPath: string;
  /** Every stdout line so far (JSON log records and plain notification lines). */
  readonly lines: string[];
  readonly stderr: string[];
  /** JSON log records so far. */
  records(): Record<string, unknown>[];
  /** Bound port of a listener by id. */
  port(listenerId: string): number;
  waitForLine(pred: (line: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  /** Waits for a JSON log record; on timeout the error carries the gateway's recent output. */
  waitForRecord(pred: (r: Record<string, unknown>) => boolean, what: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** The last lines of stdout and stderr, for failure messages. */
  tail(n?: number): string;
  /** Sends a signal and waits for the exit code. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

/**
 * Writes `yaml` as eventgate.yaml in `dir` and starts `eventgate run` on it (the config's
 * log level must be info or lower: the bound ports come from the "listening" record). `wrap` is a
 * command that execs the rest (e.g. `setpriv ...` to drop privileges as systemd does); the
 * child's pid is then the gateway's.
 */
export async function startGatewayProcess(dir: string, yaml: string, env: NodeJS.ProcessEnv = {}, options: { wrap?: readonly string[] } = {}): Promise<RunningGateway> {
  const configPath = join(dir, 'eventgate.yaml');
  writeFileSync(configPath, yaml);
  const argv = [process.execPath, '--import', 'tsx', MAIN, 'run', '--config', configPath];
  const [command, ...args] = [...(options.wrap ?? []), ...argv] as [string, ...string[]];
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  let exited: number | null | undefined;
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r((exited = code))));

  const records = () => lines.flatMap((l) => {
    if (!l.startsWith('{')) return [];
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
  const tail = (n = 20) => `exit: ${exited}\nstdout:\n${lines.slice(-n).join('\n')}\nstderr:\n${stderr.slice(-n).join('\n')}`;
  const withTail = <T>(p: Promise<T>) => p.catch((err: Error) => {
    throw new Error(`${err.message}\n${tail()}`);
  });
  let listening: Record<string, unknown>;
  try {
    listening = await waitFor(
      () => {
        if (exited !== undefined) throw new Error(`eventgate exited with ${exited}: ${stderr.join('\n')} ${lines.join('\n')}`);
        return records().find((r) => r.msg === 'listening');
      },
      'the gateway to listen',
      30_000,
    );
  } catch (err) {
    // A gateway that never listened must not outlive the test (it would hold the runner).
    if (exited === undefined) child.kill('SIGKILL');
    throw err;
  }
  const addresses = listening.addresses as Record<string, { port: number }[]>;
  return {
    child,
    configPath,
    lines,
    stderr,
    records,
    port(id) {
      const a = addresses[id]?.[0];
      if (!a) throw new Error(`no listener ${id}; have ${Object.keys(addresses).join(', ')}`);
      return a.port;
    },
    waitForLine: (pred, what, timeoutMs = 15_000) => withTail(waitFor(() => lines.find(pred), what, timeoutMs)),
    waitForRecord: (pred, what, timeoutMs = 15_000) => withTail(waitFor(() => records().find(pred), what, timeoutMs)),
    tail,
    async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
      if (exited !== undefined) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}
