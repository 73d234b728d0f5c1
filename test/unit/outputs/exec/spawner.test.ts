/**
 * The Perl hook spawner: frames survive any split of the pipe; hooks run from the spawner,
 * whose environment holds none of ours; many hooks at once each get their whole stdin and
 * their own output; an abort ends the hook as a timeout does; a spawner that dies kills the
 * hooks in flight, which come back as retries, and the next hook starts a new spawner; when
 * the gateway closes the runner or is killed, the spawner ends its hooks and exits; hooks
 * run below the gateway's CPU priority. Real
 * processes (the bounds and the outcomes are exec-output.test.ts's and exec-limits.test.ts's,
 * run with this runner too).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import fc from 'fast-check';
import { HOOK_NICE_INCREMENT } from '../../../../src/outputs/exec/hook-runner.js';
import { createSpawnerRunner, decodeFrames, encodeFrame, PERL, SPAWNER_SCRIPT } from '../../../../src/outputs/exec/spawner.js';
import { assertHooksRunNiced, commandLine, hookRequest, shellHook } from '../../../helpers/hook-runners.js';
import { tempDir } from '../../../helpers/temp.js';
import { waitFor } from '../../../helpers/wait.js';

const never = new AbortController().signal;
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
const parentOf = (detail: string | undefined) => Number(/parent=(\d+)/.exec(detail ?? '')?.[1]);

it('frames round-trip, whatever the fields and however the pipe splits them', () => {
  fc.assert(fc.property(
    fc.array(fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.nat()), { maxLength: 8 }), { minLength: 1, maxLength: 6 }),
    fc.array(fc.nat(), { maxLength: 8 }),
    (frames, cuts) => {
      const wire = Buffer.concat(frames.map(encodeFrame));
      const at = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
      const got: string[][] = [];
      let rest: Buffer = Buffer.alloc(0);
      for (const [i, end] of [...at, wire.length].entries()) {
        const decoded = decodeFrames(Buffer.concat([rest, wire.subarray(i === 0 ? 0 : at[i - 1]!, end)]));
        got.push(...decoded.frames.map((f) => f.map((b) => b.toString('utf8'))));
        rest = decoded.rest;
      }
      assert.equal(rest.length, 0);
      assert.deepEqual(got, frames.map((f) => f.map(String)));
    },
  ));
});

it('runs hooks from the spawner, whose environment holds none of ours', async (t) => {
  process.env.EVENTGATE_TEST_SPAWNER_CANARY = 'canary-5e1b';
  t.after(() => delete process.env.EVENTGATE_TEST_SPAWNER_CANARY);
  const runner = createSpawnerRunner();
  t.after(() => runner.close());
  const o = await runner.run(hookRequest(shellHook(tempDir(t), 'echo "parent=$PPID"; tr "\\0" "\\n" < /proc/$PPID/environ | grep -c canary-5e1b; exit 0')), never);
  assert.equal(o.status, 'sent');
  assert.deepEqual(commandLine(parentOf(o.detail)), [PERL, SPAWNER_SCRIPT, String(HOOK_NICE_INCREMENT)]);
  assert.match(o.detail ?? '', /parent=\d+\\x0a0\\x0a/, `the spawner's environ has no canary (${o.detail})`);
});

it("runs hooks below the gateway's CPU priority", async (t) => {
  const runner = createSpawnerRunner();
  t.after(() => runner.close());
  await assertHooksRunNiced(runner, tempDir(t));
});

it('runs 100 hooks at once, each with its whole stdin and its own output', async (t) => {
  const runner = createSpawnerRunner();
  t.after(() => runner.close());
  const path = shellHook(tempDir(t), 'echo "$ID $(wc -c)"');
  const outcomes = await Promise.all(Array.from({ length: 100 }, (_, i) =>
    runner.run(hookRequest(path, { env: { PATH: '/usr/bin:/bin', ID: String(i) }, stdin: 'x'.repeat(200_000 + i) }), never)));
  outcomes.forEach((o, i) => assert.equal(o.detail, `exit 0; stdout: "${i} ${200_000 + i}\\x0a"`));
});

it('an abort ends the hook as a timeout does', async (t) => {
  const runner = createSpawnerRunner();
  t.after(() => runner.close());
  const ac = new AbortController();
  const started = Date.now();
  const pending = runner.run(hookRequest(shellHook(tempDir(t), 'sleep 30')), ac.signal);
  setTimeout(() => ac.abort(), 200);
  const o = await pending;
  assert.equal(o.status, 'retry');
  assert.equal(o.error?.code, 'ERR_OUTPUT_TIMEOUT');
  assert.ok(Date.now() - started < 5000);
});

it('a spawner that dies: hooks in flight are killed and retried; the next hook starts a new spawner', async (t) => {
  const runner = createSpawnerRunner();
  t.after(() => runner.close());
  const dir = tempDir(t);
  const first = await runner.run(hookRequest(shellHook(dir, 'echo "parent=$PPID"')), never);
  const spawner = parentOf(first.detail);
  const pidFile = join(dir, 'pid');
  const inFlight = runner.run(hookRequest(shellHook(dir, `echo $$ > ${pidFile}; sleep 30`, 'sleeper.sh')), never);
  await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'), 'the hook to start');
  process.kill(spawner, 'SIGKILL');
  const lost = await inFlight;
  assert.equal(lost.status, 'retry');
  assert.equal(lost.error?.code, 'ERR_EXEC_SPAWN');
  assert.match(lost.error?.message ?? '', /hook spawner process exited \(SIGKILL\)/);
  const orphan = Number(readFileSync(pidFile, 'utf8'));
  await waitFor(() => !alive(orphan), 'the orphaned hook to be killed', 5000);
  const again = await runner.run(hookRequest(shellHook(dir, 'echo "parent=$PPID"')), never);
  assert.equal(again.status, 'sent');
  assert.notEqual(parentOf(again.detail), spawner, 'a new spawner');
});

it('closing the runner ends the hooks it runs (SIGTERM first) and the spawner', async (t) => {
  const runner = createSpawnerRunner();
  const dir = tempDir(t);
  const termFile = join(dir, 'term');
  const pending = runner.run(hookRequest(shellHook(dir, `trap 'echo term > ${termFile}; exit 0' TERM; echo "parent=$PPID" > ${dir}/parent; sleep 30 & wait`)), never);
  await waitFor(() => existsSync(join(dir, 'parent')), 'the hook to start');
  const spawner = parentOf(readFileSync(join(dir, 'parent'), 'utf8'));
  await runner.close();
  assert.equal(readFileSync(termFile, 'utf8'), 'term\n');
  assert.equal(alive(spawner), false, 'the spawner exited');
  assert.equal((await pending).status, 'retry', 'the hook in flight comes back as a retry');
});

it('a gateway killed outright: the spawner ends its hooks and exits', { timeout: 30_000 }, async (t) => {
  const dir = tempDir(t);
  const pidFile = join(dir, 'pid');
  const path = shellHook(dir, `echo "$$ $PPID" > ${pidFile}; sleep 60`);
  const host = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
    import { createSpawnerRunner } from ${JSON.stringify(new URL('../../../../src/outputs/exec/spawner.ts', import.meta.url).href)};
    createSpawnerRunner().run(${JSON.stringify(hookRequest(path))}, new AbortController().signal);
  `], { stdio: 'ignore' });
  t.after(() => host.kill('SIGKILL'));
  await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'), 'the hook to start', 15_000);
  const [hookPid, spawner] = readFileSync(pidFile, 'utf8').trim().split(' ').map(Number) as [number, number];
  host.kill('SIGKILL');
  await waitFor(() => !alive(hookPid) && !alive(spawner), 'the hook and the spawner to end', 10_000);
});
