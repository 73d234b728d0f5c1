/**
 * TEST-PLAN F5: the state directory on an 8 MiB tmpfs, filled by a ballast file while
 * notifications are pending. The gateway keeps running and accepting, logs the failed
 * writes at most once a minute (and counts each, with the store unhealthy), loses nothing accepted before or during the full disk, and
 * resumes within seconds once space returns; SQLite integrity stays ok. Needs root (mount).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT, startGatewayProcess, type RunningGateway } from '../helpers/gateway-process.js';
import { freePort, httpGet, sample } from '../helpers/http.js';
import { count, sendUdp, shellHook, virusLine, withStateDb } from '../helpers/state.js';
import { waitFor } from '../helpers/wait.js';

function fill(file: string): number {
  const fd = openSync(file, 'w');
  let written = 0;
  try {
    for (const size of [1 << 20, 1 << 16, 1 << 12, 512]) {
      const chunk = Buffer.alloc(size, 0x55);
      for (;;) {
        try {
          written += writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

it('F5: a full disk under the state directory loses nothing and recovers', { timeout: 80_000 }, async (t) => {
  // Not tempDir(): the tmpfs must be unmounted before the directory is removed.
  const dir = mkdtempSync(join(tmpdir(), 'eventgate-'));
  const state = join(dir, 'state');
  mkdirSync(state);
  let mounted = false;
  let gw: RunningGateway | undefined;
  t.after(async () => {
    await gw?.stop('SIGKILL');
    if (mounted) execFileSync('umount', [state]);
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', state], { stdio: 'pipe' });
    mounted = true;
  } catch (err) {
    t.skip(`cannot mount a tmpfs here (needs root): ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`);
    return;
  }
  const hook = shellHook(dir);
  const httpPort = await freePort();
  const metric = async (series: string) => sample((await httpGet(`http://127.0.0.1:${httpPort}/metrics`)).body, series);
  gw = await startGatewayProcess(dir, `
listeners: { syslog: [{ id: udp, protocol: udp, port: 0 }] }
rules: ["${ROOT}/config/rules/*.yaml"]
store: { path: ./state }
http: { listen: "127.0.0.1:${httpPort}" }
channels:
  hook: { type: exec, command: ${hook.path}, concurrency: 4, retry_initial: 200ms, retry_max: 1s }
routes:
  - { match: { category: virus }, channels: [hook] }
`);
  const port = gw.port('udp');
  const pad = 'x'.repeat(900);
  await sendUdp(port, Array.from({ length: 20 }, (_, i) => virusLine(`A-${i}`)));
  await waitFor(() => hook.ids().length >= 20, 'the first 20 delivered', 15_000);

  // Pending when the disk fills: the hook fails (temporary) until the end.
  hook.block(true);
  await sendUdp(port, Array.from({ length: 20 }, (_, i) => virusLine(`B-${i}`)));
  await waitFor(() => count(state, "SELECT COUNT(*) AS n FROM events WHERE category = 'virus'") === 40, 'B stored', 15_000);
  const ballast = join(state, 'ballast');
  const filled = fill(ballast);
  t.diagnostic(`ballast ${filled} bytes`);

  // Accepted while the disk is full: 300 events with long messages, more than the WAL holds.
  await sendUdp(port, Array.from({ length: 300 }, (_, i) => `<12>Nov 22 10:15:02 fs01 avscan: Virus found: C-${i} in /srv/${pad} on PC-2`), 50);
  await waitFor(() => gw!.records().some((r) => r.code === 'ERR_STORE_WRITE'), 'the write failure to be logged', 15_000);
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(gw.child.exitCode, null, 'still running');
  const failureLines = gw.records().filter((r) => r.code === 'ERR_STORE_WRITE' && r.level === 'error').length;
  assert.equal(failureLines, 1, `failed writes are logged once a minute, not per write: ${JSON.stringify(gw.records().filter((r) => r.code === 'ERR_STORE_WRITE'))}`);
  // Counted every time, though logged once; the store reports itself unhealthy meanwhile.
  assert.ok((await metric('eventgate_store_write_failed_total{op="commit"}') ?? 0) > 1, 'each failed commit counted');
  assert.equal(await metric('eventgate_store_healthy'), 0);

  rmSync(ballast);
  hook.block(false);
  const freed = Date.now();
  await waitFor(() => gw!.records().some((r) => r.msg === 'state database writable again'), 'writes to resume', 10_000);
  // An fsync may still report the writeback that failed while the disk was full: healthy
  // again once writes succeed, not necessarily at the first one.
  await waitFor(async () => (await metric('eventgate_store_healthy')) === 1, 'the store healthy again', 10_000);
  t.diagnostic(`writes resumed ${Date.now() - freed} ms after the ballast went`);
  await waitFor(() => new Set(hook.values()).size >= 340, () => `every notification delivered (${new Set(hook.values()).size} of 340; ${count(state, 'SELECT COUNT(*) AS n FROM outbox')} still in the outbox)`, 40_000);
  const values = new Set(hook.values());
  for (const prefix of ['A', 'B']) for (let i = 0; i < 20; i++) assert.ok(values.has(`${prefix}-${i}`), `${prefix}-${i}`);
  for (let i = 0; i < 300; i++) assert.ok(values.has(`C-${i}`), `C-${i}`);
  await waitFor(() => count(state, "SELECT COUNT(*) AS n FROM events WHERE category = 'virus'") === 340, 'every event in the history', 10_000);
  assert.equal(withStateDb(state, (db) => db.pragma('integrity_check', { simple: true })), 'ok');
  assert.equal(await gw.stop('SIGTERM'), 0);
});
