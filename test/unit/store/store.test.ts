/**
 * The SQLite store in a temp directory: batch commit, lease/ack/retry/bury with attempt
 * history, the size bound and its drop order, what a crash leaves behind, retention, route
 * state, and the operator commands' queries.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { Notification } from '../../../src/core/notification.js';
import type { Severity } from '../../../src/core/severity.js';
import { createLogger } from '../../../src/observe/logger.js';
import { createMetrics } from '../../../src/observe/metrics.js';
import { listOutbox, purgeOutbox, retryOutbox } from '../../../src/store/admin.js';
import { queryAttempts, queryEvents, ulidFloor } from '../../../src/store/history.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { createFakeTime, type FakeTime } from '../../helpers/fake-clock.js';
import { tempDir } from '../../helpers/temp.js';
import { ev } from '../route/policy-helpers.js';

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);
const tick = () => new Promise((r) => setImmediate(r));

function open(t: TestContext, dir: string, time: FakeTime, maxOutbox = 1000): Store {
  const store = openStore({ dir, synchronous: 'normal', maxOutbox }, { clock: time, timers: time, log: createLogger({ level: 'silent' }), metrics: createMetrics() });
  t.after(() => store.close());
  return store;
}

let seq = 0;
function note(o: { channel?: string; severity?: Severity; at?: number } = {}): Notification {
  return {
    id: `N${String(++seq).padStart(6, '0')}`, createdAt: o.at ?? T0, kind: 'alert', channel: o.channel ?? 'a', routeIndex: 0, key: 'k',
    severity: o.severity ?? 'critical', category: 'virus', title: `t${seq}`, items: [], suppressed: 0,
  };
}

describe('store', () => {
  it('commits a batch (history, notifications, state) and settles records with attempt history', async (t) => {
    const time = createFakeTime(T0);
    const s = open(t, tempDir(t), time);
    const c = ev({ at: T0 });
    const [n1, n2, n3] = [note(), note(), note({ channel: 'b' })];
    assert.equal(s.commit({ events: [{ classified: c, notificationIds: [n1!.id] }], notifications: [n1!, n2!, n3!], state: [{ id: 'p|x', value: { a: 1 } }] }), true);
    assert.deepEqual([s.outbox.depth(), s.outbox.depth('a'), s.outbox.depth('b')], [3, 2, 1]);
    assert.deepEqual(s.loadState(), [['p|x', { a: 1 }]]);
    const leased = s.outbox.lease('a', T0, 10);
    assert.deepEqual(leased.map((r) => [r.notification.id, r.attempts]), [[n1!.id, 1], [n2!.id, 1]]);
    assert.deepEqual(s.outbox.lease('a', T0, 10), [], 'leased records are not handed out twice');
    s.outbox.ack(n1!.id);
    s.outbox.retry(n2!.id, T0 + 5000, { code: 'ERR_EXEC_EXIT', message: 'exit 1' });
    await time.advance(5);
    assert.equal(s.outbox.depth('a'), 1);
    assert.deepEqual(s.outbox.lease('a', T0 + 4999, 10), [], 'not due yet');
    assert.equal(s.outbox.nextDue('a'), T0 + 5000);
    const again = s.outbox.lease('a', T0 + 5000, 10);
    assert.equal(again[0]?.attempts, 2);
    assert.deepEqual(again[0]?.lastError, { code: 'ERR_EXEC_EXIT', message: 'exit 1' });
    s.outbox.bury(n2!.id, { code: 'ERR_EXEC_EXIT', message: 'exit 1' }, note({ channel: 'b' }));
    await time.advance(5);
    assert.deepEqual([s.outbox.depth('a'), s.outbox.depth('b')], [0, 2], 'the follow-up is queued with the burial');
    assert.deepEqual(queryAttempts(s.db, n1!.id).map((a) => a.outcome), ['sent']);
    assert.deepEqual(queryAttempts(s.db, n2!.id).map((a) => [a.outcome, a.attempt]), [['retry', 1], ['dead', 2]]);
    assert.equal(listOutbox(s.db, { dead: true }, 10).entries[0]?.attempts, 2);
    const [stored] = queryEvents(s.db, { limit: 10, since: T0 - 1000 });
    assert.equal(stored?.id, c.event.id);
    assert.deepEqual(stored?.notifications, [n1!.id]);
  });

  it('moves every schedule with a wall-clock step, settled-but-unwritten retries included', async (t) => {
    const time = createFakeTime(T0);
    const s = open(t, tempDir(t), time);
    const [due, retried] = [note(), note()];
    s.commit({ events: [], notifications: [due, retried], state: [] });
    s.outbox.lease('a', T0, 1);
    assert.equal(s.outbox.lease('a', T0, 1)[0]?.notification.id, retried.id);
    s.outbox.retry(retried.id, T0 + 5000, { code: 'ERR_EXEC_EXIT', message: 'exit 1' });
    s.outbox.retry(due.id, T0 + 5000, { code: 'ERR_EXEC_EXIT', message: 'exit 1' });
    const fresh = note();
    s.commit({ events: [], notifications: [fresh], state: [] });
    // Back an hour: what was due stays due, a retry 5 s ahead is still 5 s ahead.
    s.outbox.shiftSchedules(-3_600_000);
    const back = T0 - 3_600_000;
    assert.deepEqual(s.outbox.lease('a', back, 10).map((r) => r.notification.id), [fresh.id], 'the new record is due at once, not in an hour');
    assert.equal(s.outbox.nextDue('a'), back + 5000);
    assert.equal(s.outbox.lease('a', back + 4999, 10).length, 0, 'retries keep their backoff');
    assert.equal(s.outbox.lease('a', back + 5000, 10).length, 2);
  });

  it('keeps the bound by dropping the lowest severity, oldest first, never a record in flight', (t) => {
    const time = createFakeTime(T0);
    const s = open(t, tempDir(t), time, 10);
    const old = [note({ severity: 'info', at: T0 }), note({ severity: 'info', at: T0 + 1 })];
    const rest = Array.from({ length: 8 }, (_, i) => note({ severity: i < 4 ? 'warning' : 'critical', at: T0 + 10 + i }));
    s.commit({ events: [], notifications: [...old, ...rest], state: [] });
    const inFlight = s.outbox.lease('a', T0 + 100, 1)[0]!;
    assert.equal(inFlight.notification.id, old[0]!.id, 'leases go oldest first');
    const fresh = [note({ severity: 'debug', at: T0 + 50 }), note({ severity: 'critical', at: T0 + 51 }), note({ severity: 'warning', at: T0 + 52 })];
    s.commit({ events: [], notifications: fresh, state: [] });
    assert.equal(s.outbox.depth(), 10);
    const left = new Set(listOutbox(s.db, { dead: false }, 100).entries.map((e) => e.id));
    assert.ok(left.has(old[0]!.id), 'the leased info record stays');
    assert.ok(!left.has(old[1]!.id), 'the other info record goes');
    assert.ok(!left.has(fresh[0]!.id), 'the new debug record goes');
    assert.ok(!left.has(rest[0]!.id), 'then the oldest warning');
    assert.ok(left.has(fresh[1]!.id) && left.has(fresh[2]!.id));
    assert.deepEqual(queryAttempts(s.db, old[1]!.id).map((a) => [a.outcome, a.code]), [['dropped', 'ERR_OUTBOX_FULL']]);
  });

  it('after a crash, records in flight are due again and the interrupted attempt is not counted', async (t) => {
    const time = createFakeTime(T0);
    const dir = tempDir(t);
    const a = open(t, dir, time);
    const n = note();
    a.commit({ events: [], notifications: [n, note()], state: [] });
    a.outbox.lease('a', T0, 2);
    a.outbox.ack(n.id);
    // No flush and no close: the process "dies" here; a second connection is the restart.
    const b = open(t, dir, time);
    const again = b.outbox.lease('a', T0, 10);
    assert.equal(again.length, 2, 'both are due again (the unwritten ack may repeat one)');
    assert.ok(again.every((r) => r.attempts === 1));
    assert.equal((b.db.pragma('integrity_check', { simple: true })), 'ok');
  });

  it('a batch the full database refused is kept, written by the retry, and announced to the deliverer', async (t) => {
    const time = createFakeTime(T0);
    const s = open(t, tempDir(t), time);
    const heard: string[][] = [];
    s.outbox.setSettledListener((channels) => heard.push([...channels]));
    s.commit({ events: [], notifications: [note()], state: [] });
    assert.deepEqual(heard, [['a']], 'a written batch is announced');
    // SQLite's own "disk full": no page beyond those the file has now.
    const pages = s.db.pragma('page_count', { simple: true }) as number;
    s.db.pragma(`max_page_count = ${pages}`);
    const big = Array.from({ length: 200 }, () => note({ channel: 'b' }));
    for (const n of big) (n as { title: string }).title = 'x'.repeat(2000);
    assert.equal(s.commit({ events: [], notifications: big, state: [] }), false, 'kept in memory');
    assert.equal(s.healthy(), false);
    assert.equal(s.unwritten(), 1);
    assert.deepEqual(heard, [['a']], 'nothing announced while unwritten');
    await time.advance(1000);
    assert.equal(s.unwritten(), 1, 'still full: still kept');
    s.db.pragma('max_page_count = 1073741823');
    await time.advance(1000);
    assert.equal(s.unwritten(), 0);
    assert.equal(s.healthy(), true);
    assert.deepEqual(heard, [['a'], ['b']], 'the retried write is announced, so delivery starts without new traffic');
    assert.equal(s.outbox.depth('b'), 200);
  });

  it('queries history by category, classified ones through the partial index and other by scan', (t) => {
    const time = createFakeTime(T0);
    const s = open(t, tempDir(t), time);
    const events = [ev({ category: 'virus', at: T0 }), ev({ category: 'other', at: T0 + 1 }), ev({ category: 'update', at: T0 + 2 }), ev({ category: 'other', at: T0 + 3 })];
    s.commit({ events: events.map((c) => ({ classified: c, notificationIds: [] })), notifications: [], state: [] });
    assert.deepEqual(queryEvents(s.db, { category: 'virus', limit: 10 }).map((e) => e.id), [events[0]!.event.id]);
    assert.deepEqual(queryEvents(s.db, { category: 'other', limit: 10 }).map((e) => e.id).sort(), [events[1]!.event.id, events[3]!.event.id].sort());
    assert.deepEqual(queryEvents(s.db, { category: 'dlp', limit: 10 }), []);
  });

  it('retention removes old history and keeps recent rows', (t) => {
    const time = createFakeTime(T0);
    const s = open(t, tempDir(t), time);
    const oldEvent = ev({ at: T0 - 40 * 86_400_000 });
    const newEvent = ev({ at: T0 - 86_400_000 });
    // Event ids are ULIDs in production; use ones whose time part matches receivedAt.
    const ulid = (ms: number, tail: string) => `${ulidFloor(ms).slice(0, 10)}${tail.padStart(16, '0')}`;
    const withId = (c: typeof oldEvent, id: string) => ({ ...c, event: { ...c.event, id } });
    s.commit({ events: [{ classified: withId(oldEvent, ulid(oldEvent.event.receivedAt, '1')), notificationIds: [] }, { classified: withId(newEvent, ulid(newEvent.event.receivedAt, '2')), notificationIds: [] }], notifications: [], state: [] });
    const removed = s.purge(T0 - 30 * 86_400_000);
    assert.equal(removed, 1);
    const left = queryEvents(s.db, { limit: 10 });
    assert.deepEqual(left.map((e) => e.receivedAt), [newEvent.event.receivedAt]);
  });

  it('operator commands: retry revives dead letters, purge removes, list counts', async (t) => {
    const time = createFakeTime(T0);
    const s = open(t, tempDir(t), time);
    const [x, y] = [note(), note({ channel: 'b' })];
    s.commit({ events: [], notifications: [x, y], state: [] });
    s.outbox.lease('a', T0, 1);
    s.outbox.bury(x.id, { code: 'ERR_EXEC_EXIT', message: 'no' });
    await time.advance(5);
    assert.equal(listOutbox(s.db, { dead: true }, 10).total, 1);
    assert.deepEqual(retryOutbox(s.db, {}, T0 + 1000), { revived: 1, rescheduled: 0 });
    assert.ok(s.changedExternally() === false, 'own connection: data_version is per other connection');
    s.outbox.refresh();
    assert.equal(s.outbox.depth(), 2);
    assert.equal(s.outbox.lease('a', T0 + 1000, 10)[0]?.attempts, 1, 'attempts start again');
    assert.equal(purgeOutbox(s.db, { dead: false, channel: 'b' }), 1);
  });
});
