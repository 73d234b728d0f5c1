/**
 * The exec output against real processes: argv byte for byte with no shell, NUL refused,
 * exit codes mapped, the process group killed at the timeout, output capped, environment
 * clean (TEST-PLAN B6 at unit level).
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Notification } from '../../../../src/core/notification.js';
import { compileTemplate, type Template } from '../../../../src/core/template.js';
import { createLogger } from '../../../../src/observe/logger.js';
import { createExecOutput, type ExecOutputOptions } from '../../../../src/outputs/exec/exec-output.js';
import type { HookRunner } from '../../../../src/outputs/exec/hook-runner.js';
import { recordingHook } from '../../../helpers/hook.js';
import { commandLine, HOOK_RUNNERS } from '../../../helpers/hook-runners.js';
import { tempDir } from '../../../helpers/temp.js';
import { waitFor } from '../../../helpers/wait.js';

const silent = createLogger({ level: 'silent' });
const tpl = (s: string) => compileTemplate(s) as Template;

function notification(fields: Record<string, string>): Notification {
  return {
    id: '01TESTNOTIFICATION', createdAt: 0, kind: 'alert', channel: 'hook', routeIndex: 0, key: 'k', severity: 'critical',
    category: 'virus', title: 'title', suppressed: 0,
    items: [{ eventId: 'e1', receivedAt: 0, host: 'pc', message: 'm', ruleId: 'r', category: 'virus', severity: 'critical', title: 'title', fields }],
  };
}

let runner: HookRunner;

function output(command: string, args: string[], extra: Partial<ExecOutputOptions> = {}) {
  return createExecOutput({
    id: 'hook', command, args: args.map(tpl), timeoutMs: 5000, env: {}, envAllow: [],
    permanentExitCodes: new Set([64, 65, 77, 78]), maxOutputBytes: 1024, ...extra,
  }, { log: silent, runner });
}

const signal = () => new AbortController().signal;

for (const r of HOOK_RUNNERS) describe(`exec output (${r.name})`, () => {
  before(() => { runner = r.runner; });

  it('passes hostile values as literal argv elements; no shell ever runs', async (t) => {
    const dir = tempDir(t);
    const canary = join(dir, 'CANARY');
    const hostile = [
      `; touch ${canary}`, `$(touch ${canary})`, `\`touch ${canary}\``, `| nc 127.0.0.1 1`, `&& touch ${canary}`,
      'line1\nline2', '--output=/x', '-rf', '*', 'ünïcödé ✓ 日本語', 'x'.repeat(100 * 1024), "it's \"quoted\"", '',
    ];
    const hook = recordingHook(dir);
    const fields = Object.fromEntries(hostile.map((v, i) => [`F${i}`, v]));
    const out = output(hook.path, hostile.map((_, i) => `%F${i}%`));
    const d = await out.send(notification(fields), signal());
    assert.equal(d.status, 'sent');
    const [rec] = hook.records();
    assert.deepEqual(rec!.argv, hostile);
    assert.equal(existsSync(canary), false);
    // The hook's parent is what spawns hooks (this process or the hook spawner), not a shell.
    assert.deepEqual(commandLine(rec!.ppid), r.parent());
  });

  it('starts the hook with no signal ignored or blocked', async () => {
    const d = await output('/bin/sh', ['-c', 'grep -E "^Sig(Blk|Ign)" /proc/self/status']).send(notification({}), signal());
    assert.equal(d.status === 'sent' && d.detail, 'exit 0; stdout: "SigBlk:\t0000000000000000\\x0aSigIgn:\t0000000000000000\\x0a"');
  });

  it('refuses a NUL byte in an argument as a permanent error', async (t) => {
    const hook = recordingHook(tempDir(t));
    const d = await output(hook.path, ['%VirusName%']).send(notification({ VirusName: 'a\0b' }), signal());
    assert.equal(d.status, 'failed');
    assert.equal(d.status === 'failed' && d.error.code, 'ERR_EXEC_ARG');
    assert.equal(hook.records().length, 0);
  });

  it('gives the notification as JSON on stdin and EVENTGATE_* variables in a clean environment', async (t) => {
    const hook = recordingHook(tempDir(t));
    process.env.EG_ALLOWED = 'yes';
    process.env.EG_SECRET_OF_PARENT = 'no';
    const out = output(hook.path, [], { env: { EXTRA: 'x' }, envAllow: ['EG_ALLOWED'] });
    await out.send(notification({ VirusName: 'EICAR', 'Odd-Name': 'v' }), signal());
    const rec = hook.records()[0]!;
    assert.equal(JSON.parse(rec.stdin).id, '01TESTNOTIFICATION');
    assert.equal(rec.env.EVENTGATE_NOTIFICATION_ID, '01TESTNOTIFICATION');
    assert.equal(rec.env.EVENTGATE_FIELD_VIRUSNAME, 'EICAR');
    assert.equal(rec.env.EVENTGATE_FIELD_ODD_NAME, 'v');
    assert.equal(rec.env.EG_ALLOWED, 'yes');
    assert.equal(rec.env.EXTRA, 'x');
    assert.equal(rec.env.EG_SECRET_OF_PARENT, undefined);
    assert.equal(rec.env.HOME, undefined);
  });

  const exits: [number, string, string][] = [
    [1, 'retry', 'ERR_EXEC_EXIT'],
    [75, 'retry', 'ERR_EXEC_EXIT'],
    [78, 'failed', 'ERR_EXEC_EXIT'],
  ];
  for (const [code, status, errCode] of exits) {
    it(`exit ${code} is ${status}`, async () => {
      const d = await output('/bin/sh', ['-c', `exit ${code}`]).send(notification({}), signal());
      assert.equal(d.status, status);
      assert.equal(d.status !== 'sent' && d.error.code, errCode);
    });
  }

  it('a missing command is a permanent ERR_EXEC_SPAWN', async () => {
    const d = await output('/nonexistent/hook', []).send(notification({}), signal());
    assert.equal(d.status, 'failed');
    assert.equal(d.status === 'failed' && d.error.code, 'ERR_EXEC_SPAWN');
  });

  it('kills the whole process group at the timeout, children included', async (t) => {
    const dir = tempDir(t);
    const pids = join(dir, 'pids');
    const script = join(dir, 'slow.sh');
    writeFileSync(script, `#!/bin/sh\nsleep 3600 &\necho $! > ${pids}\nsleep 3600\n`);
    chmodSync(script, 0o755);
    const started = Date.now();
    const d = await output(script, [], { timeoutMs: 300 }).send(notification({}), signal());
    assert.equal(d.status, 'retry');
    assert.equal(d.status === 'retry' && d.error.code, 'ERR_OUTPUT_TIMEOUT');
    assert.ok(Date.now() - started < 4000);
    const child = Number(readFileSync(pids, 'utf8'));
    await waitFor(() => {
      try {
        process.kill(child, 0);
        return false;
      } catch {
        return true;
      }
    }, 'the backgrounded child to be gone', 5000);
  });

  it('settles a second after the exit when a child that left the group still holds the output pipes', async (t) => {
    const pidFile = join(tempDir(t), 'pid');
    t.after(() => {
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
      } catch {
        // already gone
      }
    });
    const started = Date.now();
    // The hook exits once its child has left the group (setsid), so the group kill misses it.
    const d = await output('/bin/sh', ['-c', `setsid sh -c 'echo $$ > ${pidFile}; exec sleep 30' & until [ -s ${pidFile} ]; do sleep 0.01; done; echo done`]).send(notification({}), signal());
    assert.equal(d.status === 'sent' && d.detail, 'exit 0; stdout: "done\\x0a"');
    const took = Date.now() - started;
    assert.ok(took >= 900 && took < 5000, `settled ${took} ms after the start`);
  });

  it('caps captured output and never blocks on a chatty hook', async () => {
    const d = await output('/bin/sh', ['-c', 'head -c 20000000 /dev/zero; exit 0'], { maxOutputBytes: 100 }).send(notification({}), signal());
    assert.equal(d.status, 'sent');
  });
});
