/**
 * TEST-PLAN L4, short version: a flood of 20,000 syslog messages while the only output is
 * stalled (its hook does not finish while a stall file exists). The gateway's memory stays
 * flat, the outbox stops at `store.max_outbox` and says so (dropping low severity first,
 * counted in eventgate_outbox_dropped_total and logged), and a critical notification sent
 * at the end of the flood is kept and delivered once the output recovers.
 */
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT, startGatewayProcess } from '../helpers/gateway-process.js';
import { parseProm, sum } from '../../bench/lib/prom.js';
import { freePort, httpGet } from '../helpers/http.js';
import { count, rssOf, sendUdp, virusLine, withStateDb } from '../helpers/state.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const FLOOD = 20_000;
const BOUND = 500;

it('L4 (short): a flood with a stalled output keeps memory flat and the outbox bounded', { timeout: 80_000 }, async (t) => {
  const dir = tempDir(t);
  const state = join(dir, 'state');
  // Stalled while the file exists; then it records each notification's virus name.
  const stall = join(dir, 'stall');
  const delivered = join(dir, 'delivered');
  const hook = join(dir, 'stalling.sh');
  writeFileSync(stall, '');
  writeFileSync(hook, `#!/bin/sh\nwhile [ -e '${stall}' ]; do sleep 0.2; done\necho "$EVENTGATE_FIELD_VIRUSNAME" >> '${delivered}'\n`);
  chmodSync(hook, 0o755);
  const httpPort = await freePort();
  const gw = await startGatewayProcess(dir, `
listeners: { syslog: [{ id: udp, protocol: udp, port: 0 }] }
rules: ["${ROOT}/config/rules/*.yaml"]
store: { path: ./state, max_outbox: ${BOUND} }
channels:
  stalled: { type: exec, command: ${hook}, concurrency: 1, timeout: 1h }
routes:
  - { channels: [stalled] }
http: { listen: "127.0.0.1:${httpPort}" }
`);
  t.after(() => gw.stop('SIGKILL'));
  const port = gw.port('udp');
  const pid = gw.child.pid!;
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(rssOf(pid)), 200);
  try {
    const started = Date.now();
    for (let sent = 0; sent < FLOOD; sent += 2000) {
      await sendUdp(port, Array.from({ length: 2000 }, (_, i) => `<14>Nov 22 10:15:02 host-${(sent + i) % 50} app: flood message ${sent + i} ${'y'.repeat(200)}`), 100);
    }
    t.diagnostic(`sent ${FLOOD} in ${Date.now() - started} ms`);
    // UDP: wait for the gateway to catch up, or the kernel may drop the critical one too.
    let last = -1;
    await waitFor(async () => {
      const n = count(state, 'SELECT COUNT(*) AS n FROM events');
      if (n === last) return true;
      last = n;
      await new Promise((r) => setTimeout(r, 500));
      return false;
    }, 'the flood to be processed', 30_000);
    await sendUdp(port, [virusLine('CRITICAL-AT-END')]);
    await waitFor(() => withStateDb(state, (db) => db.prepare("SELECT 1 FROM events WHERE message LIKE '%CRITICAL-AT-END%'").get()), 'the last event stored', 30_000);
  } finally {
    clearInterval(sampler);
  }
  const stored = count(state, 'SELECT COUNT(*) AS n FROM events');
  const queued = count(state, 'SELECT COUNT(*) AS n FROM outbox');
  const dropped = count(state, "SELECT COUNT(*) AS n FROM attempts WHERE outcome = 'dropped'");
  const half = Math.floor(samples.length / 2);
  const mb = (b: number) => Math.round(b / 1048576);
  const firstHalf = Math.max(...samples.slice(0, half));
  const secondHalf = Math.max(...samples.slice(half));
  t.diagnostic(`events stored ${stored}, queued ${queued}, dropped ${dropped}; RSS max first half ${mb(firstHalf)} MB, second half ${mb(secondHalf)} MB (${samples.length} samples)`);
  // UDP has no backpressure: what the loaded box could not take was dropped by the kernel.
  assert.ok(stored > 10 * BOUND, `the flood went far past the bound (${stored} stored)`);
  assert.ok(queued <= BOUND, `outbox within its bound (${queued})`);
  assert.equal(queued + dropped, stored, 'every notification is queued (one in flight) or counted as dropped');
  assert.ok(secondHalf - firstHalf < 40 * 1048576, 'memory flat');
  assert.ok(secondHalf < 300 * 1048576, 'memory under 300 MB');
  assert.ok(withStateDb(state, (db) => db.prepare('SELECT 1 FROM outbox WHERE severity = 4').get()), 'the critical notification is kept');
  assert.ok(gw.records().some((r) => r.code === 'ERR_OUTBOX_FULL' && r.level === 'error'), 'drops are logged');
  const metrics = parseProm((await httpGet(`http://127.0.0.1:${httpPort}/metrics`)).body);
  assert.equal(sum(metrics, 'eventgate_outbox_dropped_total', { channel: 'stalled' }), dropped, 'every drop counted');
  assert.equal(sum(metrics, 'eventgate_outbox_dropped_total', { severity: 'critical' }), 0, 'no critical one dropped');

  // The output recovers: what the outbox kept goes out, the critical notification with it.
  rmSync(stall);
  await waitFor(() => count(state, 'SELECT COUNT(*) AS n FROM outbox') === 0, 'the outbox to drain', 30_000);
  const names = readFileSync(delivered, 'utf8').split('\n').filter(Boolean);
  assert.equal(names.filter((v) => v === 'CRITICAL-AT-END').length, 1, 'the critical notification delivered once');
  assert.ok(names.length <= BOUND + 1, `only what was kept went out (${names.length})`);
  assert.equal(await gw.stop('SIGTERM'), 0);
});
