/**
 * A recording exec hook: a small Node script that appends one JSON line per run with its
 * argv, stdin, environment, uid and process ids to a file. Tests read the records back.
 * `HOOK_SLEEP_MS` (set through the channel's `env`) delays the record and the exit, so a
 * test can land a kill while deliveries are in flight.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface HookRecord {
  argv: string[];
  stdin: string;
  env: Record<string, string>;
  pid: number;
  ppid: number;
}

/** Writes the hook script into `dir`; returns its path and a reader for its records. */
export function recordingHook(dir: string, name = 'hook'): { path: string; out: string; records(): HookRecord[] } {
  const path = join(dir, `${name}.mjs`);
  const out = join(dir, `${name}.jsonl`);
  writeFileSync(
    path,
    `#!${process.execPath}
import { appendFileSync } from 'node:fs';
let stdin = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => { stdin += c; });
process.stdin.on('end', () => setTimeout(() => {
  appendFileSync(${JSON.stringify(out)}, JSON.stringify({ argv: process.argv.slice(2), stdin, env: process.env, pid: process.pid, ppid: process.ppid }) + '\\n');
  process.exit(Number(process.env.HOOK_EXIT ?? 0));
}, Number(process.env.HOOK_SLEEP_MS ?? 0)));
`,
  );
  chmodSync(path, 0o755);
  return {
    path,
    out,
    records: () => (existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as HookRecord) : []),
  };
}
