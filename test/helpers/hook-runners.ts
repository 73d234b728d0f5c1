/**
 * The ways a hook gets spawned, for suites that must hold for each: from this process (the
 * Node runner processes do the same in theirs) and by the Perl hook spawner the gateway uses.
 */
import { readFileSync } from 'node:fs';
import { inProcessRunner, type HookRunner } from '../../src/outputs/exec/hook-runner.js';
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
  { name: 'hook spawner', runner: createSpawnerRunner(), parent: () => [PERL, SPAWNER_SCRIPT] },
];

/** The command line of process `pid`. */
export function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
}
