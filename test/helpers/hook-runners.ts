/**
 * The ways a hook gets spawned, for suites that must hold for each: from this process (the
 * Node runner processes do the same in theirs) and by the Perl hook spawner the gateway uses;
 * plus the shell hook and the request the runner tests build theirs from, and the check that
 * a runner's hooks run below this process's CPU priority.
 */
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { HOOK_NICE_INCREMENT, inProcessRunner, type HookRunner } from '../../src/outputs/exec/hook-runner.js';
import type { HookRequest } from '../../src/outputs/exec/run-hook.js';
import { createSpawnerRunner, PERL, SPAWNER_SCRIPT } from '../../src/outputs/exec/spawner.js';

export interface HookRunnerCase {
  readonly name: string;
  readonly runner: HookRunner;
  /** The command line the hook's parent process must have. */
  readonly parent: () => string[];
}

export const HOOK_RUNNERS: readonly HookRunnerCase[] = [
  { name: 'spawned here', runner: inProcessRunner, parent: () => [process.execPath, ...process.execArgv, ...process.argv.slice(1)] },
  // Idle, the spawner keeps nothing alive, so it needs no closing after the suite.
  { name: 'hook spawner', runner: createSpawnerRunner(), parent: () => [PERL, SPAWNER_SCRIPT, String(HOOK_NICE_INCREMENT)] },
];

/** The command line of process `pid`. */
export function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
}

/** Writes an executable `/bin/sh` hook with `body` into `dir`; returns its path. */
export function shellHook(dir: string, body: string, name = 'hook.sh'): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A request to run `command`: clean PATH, `{}` on stdin, 10 s, no process limit. */
export const hookRequest = (command: string, o: Partial<HookRequest> = {}): HookRequest => ({
  command, argv: [], env: { PATH: '/usr/bin:/bin' }, cwd: '/', stdin: '{}\n', timeoutMs: 10_000,
  maxProcesses: 0, maxOutputBytes: 4096, permanentExitCodes: [], secrets: [], ...o,
});

/** Runs a hook printing its niceness through `runner`: it must be this process's + HOOK_NICE_INCREMENT. */
export async function assertHooksRunNiced(runner: HookRunner, dir: string): Promise<void> {
  const niceHere = getPriority();
  const o = await runner.run(hookRequest(shellHook(dir, 'echo "nice=$(nice)"')), new AbortController().signal);
  assert.equal(o.status, 'sent');
  assert.match(o.detail ?? '', new RegExp(`nice=${Math.min(19, niceHere + HOOK_NICE_INCREMENT)}\\\\x0a`), o.detail);
  assert.equal(getPriority(), niceHere, 'this process keeps its priority');
}
