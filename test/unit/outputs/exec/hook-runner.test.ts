/**
 * The hook runner processes: hooks are spawned by a helper, never by this process, spread
 * over the helpers when several run at once; an abort ends the hook like a timeout; a
 * helper that dies turns the hooks in flight into retries and the next hook starts a new
 * one; hooks run below the gateway's CPU priority. Real processes.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createProcessRunner, helperExecArgv } from '../../../../src/outputs/exec/hook-runner.js';
import { assertHooksRunNiced, hookRequest, shellHook } from '../../../helpers/hook-runners.js';
import { tempDir } from '../../../helpers/temp.js';

const never = new AbortController().signal;

it('runs hooks from the helper process, not from this one, which holds none of our environment', async (t) => {
  process.env.EVENTGATE_TEST_HELPER_CANARY = 'canary-7f3a';
  t.after(() => delete process.env.EVENTGATE_TEST_HELPER_CANARY);
  const runner = createProcessRunner();
  t.after(() => runner.close());
  const o = await runner.run(hookRequest(shellHook(tempDir(t), 'echo "parent=$PPID"; tr "\\0" "\\n" < /proc/$PPID/environ | grep -c canary-7f3a; exit 0')), never);
  assert.equal(o.status, 'sent');
  const parent = Number(/parent=(\d+)/.exec(o.detail ?? '')?.[1]);
  assert.ok(parent > 0 && parent !== process.pid, `the hook's parent is the helper (${o.detail})`);
  assert.match(o.detail ?? '', /parent=\d+\\x0a0\\x0a/, `the helper's environ has no canary (${o.detail})`);
});

it("runs hooks below the gateway's CPU priority", async (t) => {
  const runner = createProcessRunner();
  t.after(() => runner.close());
  await assertHooksRunNiced(runner, tempDir(t));
});

it('an abort ends the hook as a timeout does', async (t) => {
  const runner = createProcessRunner();
  t.after(() => runner.close());
  const ac = new AbortController();
  const started = Date.now();
  const pending = runner.run(hookRequest(shellHook(tempDir(t), 'sleep 30')), ac.signal);
  setTimeout(() => ac.abort(), 200);
  const o = await pending;
  assert.equal(o.status, 'retry');
  assert.equal(o.error?.code, 'ERR_OUTPUT_TIMEOUT');
  assert.ok(Date.now() - started < 10_000);
});

it('a helper that dies turns hooks in flight into retries; the next hook starts a new one', async (t) => {
  const runner = createProcessRunner(1);
  t.after(() => runner.close());
  const dir = tempDir(t);
  const first = await runner.run(hookRequest(shellHook(dir, 'echo "parent=$PPID"')), never);
  const helper = Number(/parent=(\d+)/.exec(first.detail ?? '')?.[1]);
  const inFlight = runner.run(hookRequest(shellHook(dir, 'sleep 30')), never);
  setTimeout(() => process.kill(helper, 'SIGKILL'), 200);
  const lost = await inFlight;
  assert.equal(lost.status, 'retry');
  assert.equal(lost.error?.code, 'ERR_EXEC_SPAWN');
  assert.match(lost.error?.message ?? '', /hook runner process exited/);
  const again = await runner.run(hookRequest(shellHook(dir, 'echo "parent=$PPID"')), never);
  assert.equal(again.status, 'sent');
  assert.notEqual(Number(/parent=(\d+)/.exec(again.detail ?? '')?.[1]), helper, 'a new helper');
});

it('spreads hooks running at once over the helpers', async (t) => {
  const runner = createProcessRunner(2);
  t.after(() => runner.close());
  const path = shellHook(tempDir(t), 'sleep 0.3; echo "parent=$PPID"');
  const outcomes = await Promise.all([runner.run(hookRequest(path), never), runner.run(hookRequest(path), never)]);
  const parents = new Set(outcomes.map((o) => /parent=(\d+)/.exec(o.detail ?? '')?.[1]));
  assert.equal(parents.size, 2, 'two helpers');
});

it("passes the gateway's flags on, without its profiler, inspector and heap size", () => {
  assert.deepEqual(
    helperExecArgv(['--import', 'tsx', '--cpu-prof', '--cpu-prof-dir', '/tmp/p', '--max-old-space-size=512', '--inspect=9229', '--enable-source-maps']),
    ['--import', 'tsx', '--enable-source-maps'],
  );
});
