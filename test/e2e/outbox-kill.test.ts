/**
 * TEST-PLAN F2: kill -9 during delivery, ten times. 200 notifications to a slow recording
 * exec hook (a shell script: a Node hook per delivery costs too much CPU on the 2-core CI
 * box); the gateway is killed at random moments while hooks run, and restarted on the
 * same state directory. Every notification is delivered at least once; duplicates only
 * for those in flight at a kill (at most the channel's concurrency per kill); no dead
 * letters; SQLite integrity ok.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT, startGatewayProcess, type RunningGateway } from '../helpers/gateway-process.js';
import { count, sendUdp, shellHook, virusLine, withStateDb } from '../helpers/state.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const N = 200;
const KILLS = 10;
const CONCURRENCY = 4;

it('F2: kill -9 during delivery loses nothing and repeats only what was in flight', { timeout: 120_000 }, async (t) => {
  const dir = tempDir(t);
  const state = join(dir, 'state');
  const hook = shellHook(dir);
  const yaml = `
listeners: { syslog: [{ id: udp, protocol: udp, port: 0 }] }
rules: ["${ROOT}/config/rules/*.yaml"]
store: { path: ./state }
channels:
  hook:
    type: exec
    command: ${hook.path}
    timeout: 10s
    concurrency: ${CONCURRENCY}
    retry_initial: 100ms
    retry_max: 1s
    env: { HOOK_SLEEP: "0.2" }
routes:
  - { match: { category: virus }, channels: [hook] }

`;
  let gw: RunningGateway = await startGatewayProcess(dir, yaml);
  t.after(() => gw.stop('SIGKILL'));
  await sendUdp(gw.port('udp'), Array.from({ length: N }, (_, i) => virusLine(`V-${i}`)));
  await waitFor(() => count(state, "SELECT COUNT(*) AS n FROM events WHERE category = 'virus'") === N, 'all events stored', 20_000);

  let landed = 0;
  const started = Date.now();
  for (let k = 0; k < KILLS; k++) {
    // A new incarnation leases due records as soon as it listens: hooks run from then on.
    await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 350)));
    if (count(state, 'SELECT COUNT(*) AS n FROM outbox') > 0) landed++;
    assert.equal(await gw.stop('SIGKILL'), null, 'killed');
    gw = await startGatewayProcess(dir, yaml);
  }
  const killing = Date.now() - started;
  await waitFor(() => count(state, 'SELECT COUNT(*) AS n FROM outbox') === 0, 'the outbox to empty', 40_000);
  await waitFor(() => new Set(hook.ids()).size >= N, 'every notification recorded', 10_000);

  const ids = hook.ids();
  const viruses = new Set(hook.values());
  for (let i = 0; i < N; i++) assert.ok(viruses.has(`V-${i}`), `V-${i} delivered`);
  const duplicates = ids.length - new Set(ids).size;
  t.diagnostic(`kills landing mid-delivery: ${landed}/${KILLS}; deliveries ${ids.length}; kill phase ${killing} ms; duplicates ${duplicates}`);
  assert.ok(landed >= 5, `most kills landed while notifications were pending (${landed})`);
  assert.ok(duplicates <= KILLS * CONCURRENCY, `duplicates ${duplicates} ≤ kills × concurrency`);
  assert.equal(count(state, 'SELECT COUNT(*) AS n FROM dead_letters'), 0, 'no dead letters');
  assert.equal(withStateDb(state, (db) => db.pragma('integrity_check', { simple: true })), 'ok');
  assert.equal(await gw.stop('SIGTERM'), 0);
});
