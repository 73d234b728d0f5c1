/**
 * The exec output's bounds against real processes (TEST-PLAN F8): output captured up to
 * max_output into the delivery result, a hook that forks without bound killed with its
 * whole group, 100 MB of stdout read without memory growth, and spawn errors that say
 * which of command and working directory is wrong.
 */
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Notification } from '../../../../src/core/notification.js';
import { compileTemplate, type Template } from '../../../../src/core/template.js';
import { createLogger } from '../../../../src/observe/logger.js';
import { createExecOutput, type ExecOutputOptions } from '../../../../src/outputs/exec/exec-output.js';
import type { HookRunner } from '../../../../src/outputs/exec/hook-runner.js';
import { countProcessGroup } from '../../../../src/outputs/exec/process-group.js';
import { HOOK_RUNNERS } from '../../../helpers/hook-runners.js';
import { tempDir } from '../../../helpers/temp.js';
import { waitFor } from '../../../helpers/wait.js';

const silent = createLogger({ level: 'silent' });

const n: Notification = {
  id: '01LIMITS', createdAt: 0, kind: 'alert', channel: 'hook', routeIndex: 0, key: 'k', severity: 'warning',
  category: 'update', title: 't', suppressed: 0,
  items: [{ eventId: 'e1', receivedAt: 0, host: 'h', message: 'm', ruleId: null, category: 'update', severity: 'warning', title: 't', fields: {} }],
};

let runner: HookRunner;

function output(command: string, args: string[], extra: Partial<ExecOutputOptions> = {}) {
  return createExecOutput({
    id: 'hook', command, args: args.map((a) => compileTemplate(a) as Template), timeoutMs: 10_000, env: {}, envAllow: [],
    permanentExitCodes: new Set([64, 65, 77, 78]), maxOutputBytes: 64, ...extra,
  }, { log: silent, runner });
}

function script(dir: string, name: string, body: string, mode = 0o755): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, mode);
  return path;
}

const signal = () => new AbortController().signal;

for (const r of HOOK_RUNNERS) describe(`exec output bounds (${r.name})`, () => {
  before(() => { runner = r.runner; });

  it('puts stdout and stderr, escaped and capped, into the delivery result', async () => {
    const ok = await output('/bin/sh', ['-c', 'printf "ticket 42\\n\\033[31m"; echo warn >&2; head -c 500 /dev/zero | tr "\\0" x']).send(n, signal());
    assert.equal(ok.status, 'sent');
    const detail = ok.status === 'sent' ? ok.detail ?? '' : '';
    assert.match(detail, /^exit 0; stdout: "ticket 42\\x0a\\x1b\[31mx+" \(truncated\); stderr: "warn\\x0a"$/);
    assert.ok(!/[\u0000-\u001f]/.test(detail), 'no raw control bytes');

    const bad = await output('/bin/sh', ['-c', 'echo "no such queue" >&2; exit 75']).send(n, signal());
    assert.equal(bad.status, 'retry');
    assert.equal(bad.status === 'retry' && bad.detail, 'exit 75; stderr: "no such queue\\x0a"');
  });

  it('kills a hook that forks without bound, children included, as soon as its group passes max_processes', async (t) => {
    const dir = tempDir(t);
    const pgidFile = join(dir, 'pgid');
    const hook = script(dir, 'forker.sh', `echo $$ > ${pgidFile}\ni=0\nwhile [ $i -lt 500 ]; do sleep 3600 & i=$((i+1)); done\nwait`);
    const started = Date.now();
    const d = await output(hook, [], { maxProcesses: 20 }).send(n, signal());
    assert.equal(d.status, 'failed');
    assert.equal(d.status === 'failed' && d.error.code, 'ERR_EXEC_LIMIT');
    assert.ok(Date.now() - started < 8000, 'killed well before the timeout');
    const pgid = Number(readFileSync(pgidFile, 'utf8'));
    await waitFor(async () => (await countProcessGroup(pgid)) === 0, 'no process of the hook group left', 5000);
  });

  it('reads 100 MB of stdout with flat memory and keeps only max_output bytes', async () => {
    const samples: number[] = [];
    global.gc?.();
    const before = process.memoryUsage().rss;
    const sampler = setInterval(() => samples.push(process.memoryUsage().rss), 5);
    const d = await output('/bin/sh', ['-c', 'head -c 100000000 /dev/zero'], { maxOutputBytes: 1024 }).send(n, signal());
    clearInterval(sampler);
    samples.push(process.memoryUsage().rss);
    assert.equal(d.status, 'sent');
    assert.match(d.status === 'sent' ? d.detail ?? '' : '', /\(truncated\)$/);
    const peakGrowthMb = (Math.max(...samples) - before) / 2 ** 20;
    t_log(`100 MB stdout: RSS peak growth ${peakGrowthMb.toFixed(1)} MB over ${samples.length} samples`);
    assert.ok(peakGrowthMb < 20, `RSS grew ${peakGrowthMb.toFixed(1)} MB`);
  });

  const spawnErrors: [string, (dir: string) => Partial<ExecOutputOptions> & { command: string }, RegExp][] = [
    ['a missing command', (dir) => ({ command: join(dir, 'nope') }), /^command .*nope does not exist$/],
    ['a command without the execute bit', (dir) => ({ command: script(dir, 'plain.sh', 'exit 0', 0o644) }), /^command .*plain\.sh is not executable$/],
    ['a missing working directory', (dir) => ({ command: '/bin/true', cwd: join(dir, 'gone') }), /^working directory .*gone does not exist or is not a directory$/],
  ];
  for (const [what, setup, message] of spawnErrors) {
    it(`${what} is a permanent ERR_EXEC_SPAWN that says so`, async (t) => {
      const { command, ...extra } = setup(tempDir(t));
      const d = await output(command, [], extra).send(n, signal());
      assert.equal(d.status, 'failed');
      assert.equal(d.status === 'failed' && d.error.code, 'ERR_EXEC_SPAWN');
      assert.match(d.status === 'failed' ? d.error.message : '', message);
    });
  }
});

function t_log(line: string): void {
  process.stdout.write(`# ${line}\n`);
}
