/**
 * The WAL syncer: commits are synced off the event loop, requests made while an fsync is in
 * flight are coalesced into one more, starts are at least 5 ms apart, a missing file is
 * reported and not thrown, and a store with `synchronous: full` syncs after its commits.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { createLogger } from '../../../src/observe/logger.js';
import { createMetrics } from '../../../src/observe/metrics.js';
import { openStore } from '../../../src/store/index.js';
import { createWalSync } from '../../../src/store/wal-sync.js';
import { createFakeTime } from '../../helpers/fake-clock.js';
import { tempDir } from '../../helpers/temp.js';
import { waitFor } from '../../helpers/wait.js';
import { ev } from '../route/policy-helpers.js';

it('coalesces requests made during an fsync into one more', async (t) => {
  const file = join(tempDir(t), 'x-wal');
  writeFileSync(file, 'frames');
  const took: number[] = [];
  const errors: Error[] = [];
  const sync = createWalSync(file, { observe: (s) => took.push(s), onError: (e) => errors.push(e) });
  for (let i = 0; i < 50; i++) sync.request();
  assert.equal(sync.pending(), 2, 'one in flight, one queued for everything after it');
  await waitFor(() => sync.pending() === 0, 'the syncs to finish');
  assert.equal(took.length, 2);
  assert.deepEqual(errors, []);
  sync.close();
  sync.request();
  assert.equal(sync.pending(), 0, 'closed: no more syncs');
});

it('starts fsyncs at most every 5 ms however often commits ask', async (t) => {
  const file = join(tempDir(t), 'x-wal');
  writeFileSync(file, 'frames');
  const took: number[] = [];
  const sync = createWalSync(file, { observe: (s) => took.push(s), onError: (e) => assert.fail(e) });
  t.after(() => sync.close());
  const started = performance.now();
  for (let i = 0; i < 60; i++) {
    sync.request();
    await new Promise((r) => setTimeout(r, 1));
  }
  await waitFor(() => sync.pending() === 0, 'the last sync');
  const elapsed = performance.now() - started;
  assert.ok(took.length <= Math.ceil(elapsed / 5) + 1, `${took.length} fsyncs in ${Math.round(elapsed)} ms`);
  assert.ok(took.length >= 2, 'the commits after the first one are synced too');
});

it('reports a WAL file that cannot be opened instead of throwing', (t) => {
  const errors: NodeJS.ErrnoException[] = [];
  const sync = createWalSync(join(tempDir(t), 'missing-wal'), { observe: () => {}, onError: (e) => errors.push(e) });
  sync.request();
  assert.equal(errors[0]?.code, 'ENOENT');
  sync.close();
});

it('a store with synchronous: full syncs its WAL after a commit', async (t) => {
  const time = createFakeTime();
  const metrics = createMetrics();
  const store = openStore({ dir: tempDir(t), synchronous: 'full', maxOutbox: 100 }, { clock: time, timers: time, log: createLogger({ level: 'silent' }), metrics });
  t.after(() => store.close());
  store.commit({ events: [{ classified: ev({}), notificationIds: [] }], notifications: [], state: [] });
  await waitFor(async () => ((await metrics.storeSync.get()).values.find((v) => v.metricName === 'eventgate_store_sync_seconds_count')?.value ?? 0) >= 1, 'an fsync of the WAL');
  assert.equal(store.db.pragma('synchronous', { simple: true }), 1, 'SQLite itself runs with NORMAL (1)');
});
