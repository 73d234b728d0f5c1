/**
 * TEST-PLAN F4 (SIGTERM with 1,000 queued: exit 0 quickly; after restart all delivered
 * exactly once) and the store commands against a running and a stopped gateway: events,
 * outbox list/retry/purge, silence add/list/remove (a silenced event is stored, counted as
 * silenced and never delivered). Most commands run in-process on the gateway's file (the
 * same code `eventgate` runs); one goes through the real binary and its argument parser.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { events } from '../../src/cli/events.js';
import { outbox } from '../../src/cli/outbox.js';
import { silence } from '../../src/cli/silence.js';
import { ROOT, runCli, startGatewayProcess, type RunningGateway } from '../helpers/gateway-process.js';
import { count, sendUdp, shellHook, virusLine } from '../helpers/state.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const N = 1000;

function cli(fn: (config: string, rest: readonly string[], io: { stdout: (s: string) => void; stderr: (s: string) => void }) => number, config: string, ...rest: string[]) {
  let stdout = '';
  let stderr = '';
  const code = fn(config, rest, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

it('F4: SIGTERM with 1,000 queued exits 0 at once and loses nothing; store commands on a running and a stopped gateway', { timeout: 85_000 }, async (t) => {
  const dir = tempDir(t);
  const state = join(dir, 'state');
  const hook = shellHook(dir);
  // After the restart the channel `hook` is a log channel printing JSON lines: the queued
  // notifications are the same, and 1,000 deliveries cost no process each.
  const yaml = (hookChannel: string) => `
listeners: { syslog: [{ id: udp, protocol: udp, port: 0 }] }
rules: ["${ROOT}/config/rules/*.yaml"]
store: { path: ./state }
channels:
  hook: ${hookChannel}
  broken: { type: exec, command: ${join(dir, 'missing-hook')} }
routes:
  - { match: { fields: { VirusName: { regex: '^DEAD' } } }, channels: [broken] }
  - { match: { category: virus }, channels: [hook] }
`;
  let gw: RunningGateway = await startGatewayProcess(dir, yaml(`{ type: exec, command: ${hook.path}, concurrency: 2, env: { HOOK_SLEEP: "0.5" } }`));
  t.after(() => gw.stop('SIGKILL'));
  const config = gw.configPath;

  // Running: a silence added from the command line takes effect within a second or two.
  const added = await runCli(['silence', 'add', '--config', config, '--match', 'field.VirusName=SILENT-1', '--for', '1h', '--comment', 'maintenance']);
  assert.equal(added.code, 0, added.stderr);
  const silenceId = /^(s-[0-9a-f]+) /.exec(added.stdout)?.[1];
  assert.ok(silenceId, added.stdout);
  await new Promise((r) => setTimeout(r, 2500));
  await sendUdp(gw.port('udp'), [virusLine('SILENT-1'), virusLine('DEAD-1'), ...Array.from({ length: N }, (_, i) => virusLine(`V-${i}`))]);
  await waitFor(() => count(state, "SELECT COUNT(*) AS n FROM events WHERE category = 'virus'") === N + 2, 'all events stored', 30_000);

  const recent = cli(events, config, '--since', '1h', '--category', 'virus', '--json', '--limit', '2000');
  assert.equal(recent.code, 0, recent.stderr);
  const rows = recent.stdout.trim().split('\n').map((l) => JSON.parse(l) as { fields: Record<string, string>; silenced: string | null; notifications: string[] });
  assert.equal(rows.length, N + 2);
  const silenced = rows.find((r) => r.fields.VirusName === 'SILENT-1')!;
  assert.equal(silenced.silenced, silenceId, 'stored, marked silenced');
  assert.deepEqual(silenced.notifications, []);
  const pendingRunning = JSON.parse(cli(outbox, config, 'list', '--json').stdout) as { total: number };
  assert.ok(pendingRunning.total > N / 2, `most of the 1,000 still queued (${pendingRunning.total})`);

  const t0 = Date.now();
  assert.equal(await gw.stop('SIGTERM'), 0, 'SIGTERM exits 0');
  const stopMs = Date.now() - t0;
  t.diagnostic(`stopped in ${stopMs} ms with ${pendingRunning.total} queued`);
  assert.ok(stopMs < 10_000, `stopped quickly (${stopMs} ms)`);

  // Stopped: the commands read and change the same file.
  const pending = JSON.parse(cli(outbox, config, 'list', '--json').stdout) as { total: number };
  assert.ok(pending.total > 0 && pending.total <= pendingRunning.total);
  const dead = JSON.parse(cli(outbox, config, 'list', '--dead', '--json').stdout) as { total: number; entries: { error: { code: string } }[] };
  assert.equal(dead.total, 1, 'the hook that does not exist failed permanently');
  assert.equal(dead.entries[0]!.error.code, 'ERR_EXEC_SPAWN');
  assert.match(cli(outbox, config, 'retry', '--channel', 'broken').stdout, /^1 dead letter\(s\) back in the outbox/);
  assert.equal(cli(outbox, config, 'purge', '--channel', 'broken').stdout, '1 pending notification(s) removed\n');
  assert.match(cli(silence, config, 'list').stdout, new RegExp(`^${silenceId} active .*maintenance`));
  assert.equal(cli(silence, config, 'remove', silenceId!).code, 0);
  assert.equal(cli(silence, config, 'remove', silenceId!).code, 1, 'removing twice fails');
  assert.throws(() => cli(events, config, '--since', 'soon'), /invalid time "soon"/);

  // Restart: everything queued is delivered, each exactly once.
  const before = hook.ids().length;
  gw = await startGatewayProcess(dir, yaml('{ type: log, format: json, concurrency: 8 }'));
  const logged = () => gw.records().filter((r) => r.channel === 'hook' && typeof r.notification === 'string') as unknown as { notification: string; items: { fields: Record<string, string> }[] }[];
  await waitFor(() => before + logged().length >= N, 'all 1,000 delivered', 40_000);
  await waitFor(() => count(state, 'SELECT COUNT(*) AS n FROM outbox') === 0, 'the outbox empty', 10_000);
  const ids = [...hook.ids(), ...logged().map((r) => r.notification)];
  const viruses = [...hook.values(), ...logged().map((r) => r.items[0]!.fields.VirusName!)];
  t.diagnostic(`delivered before the stop ${before}, after the restart ${ids.length - before}`);
  assert.equal(ids.length, N, 'no notification delivered twice');
  assert.equal(new Set(ids).size, N);
  assert.equal(new Set(viruses).size, N);
  assert.ok(!viruses.includes('SILENT-1'), 'the silenced event was never delivered');
  assert.equal(await gw.stop('SIGTERM'), 0);
});
