/**
 * The deliverer over the SQLite outbox on a fake clock: retries with backoff until sent,
 * permanent failures become dead letters with a "delivery failed" notice on another
 * channel (never a notice about a notice), and stop does not drain a durable outbox.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { GatewayError } from '../../../src/core/errors.js';
import type { Notification } from '../../../src/core/notification.js';
import type { Delivery, Output } from '../../../src/core/output.js';
import { createLogger } from '../../../src/observe/logger.js';
import { createMetrics } from '../../../src/observe/metrics.js';
import { createDeliverer, type Channel } from '../../../src/outputs/deliverer.js';
import { listOutbox } from '../../../src/store/admin.js';
import { openStore } from '../../../src/store/index.js';
import { createFakeTime } from '../../helpers/fake-clock.js';
import { tempDir } from '../../helpers/temp.js';

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);
const turn = async (n = 3) => { for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r)); };
const policy = { maxAttempts: 3, maxAgeMs: 3_600_000, initialMs: 1000, maxMs: 10_000, concurrency: 2, attemptTimeoutMs: 5000 };

function scripted(id: string, results: (Delivery | 'throw')[]): Output & { seen: Notification[] } {
  const seen: Notification[] = [];
  return {
    id, type: 'test', seen,
    async send(n) {
      seen.push(n);
      const r = results.shift() ?? { status: 'sent' };
      if (r === 'throw') throw new Error('bug');
      return r;
    },
    async close() {},
  };
}

function setup(t: TestContext, channels: Record<string, Channel>) {
  const time = createFakeTime(T0);
  const metrics = createMetrics();
  const store = openStore({ dir: tempDir(t), synchronous: 'normal', maxOutbox: 1000 }, { clock: time, timers: time, log: createLogger({ level: 'silent' }), metrics });
  t.after(() => store.close());
  let id = 0;
  const d = createDeliverer(new Map(Object.entries(channels)), {
    outbox: store.outbox, clock: time, timers: time, log: createLogger({ level: 'silent' }), metrics, random: () => 0.5, newId: () => `F${++id}`,
  });
  const enqueue = (n: Notification) => store.commit({ events: [], notifications: [n], state: [] });
  return { time, store, d, enqueue, metrics };
}

const note = (id: string, channel = 'a', kind: Notification['kind'] = 'alert'): Notification => ({
  id, createdAt: T0, kind, channel, routeIndex: 0, key: 'k', severity: 'critical', category: 'virus', title: `t-${id}`, items: [], suppressed: 0,
});
const temporary = (): Delivery => ({ status: 'retry', error: new GatewayError('ERR_EXEC_EXIT', 'exit 1') });
const permanent = (): Delivery => ({ status: 'failed', error: new GatewayError('ERR_EXEC_SPAWN', 'ENOENT') });

describe('deliverer', () => {
  it('retries a temporary failure with backoff, then acks', async (t) => {
    const out = scripted('a', [temporary(), 'throw']);
    const { time, store, d, enqueue } = setup(t, { a: { output: out, policy } });
    enqueue(note('N1'));
    d.wake('a');
    await turn();
    assert.equal(out.seen.length, 1);
    await time.advance(749); // equal jitter with random 0.5: 1000 / 2 + 0.5 × 500 = 750 ms
    await turn();
    assert.equal(out.seen.length, 1, 'not before the backoff');
    await time.advance(1);
    await turn();
    assert.equal(out.seen.length, 2, 'second attempt (throws: treated as retry)');
    await time.advance(1500);
    await turn();
    assert.equal(out.seen.length, 3);
    assert.equal(store.outbox.depth(), 0);
  });

  it('buries a permanent failure and tells the dead-letter channel once', async (t) => {
    const a = scripted('a', [permanent()]);
    const b = scripted('b', [permanent()]);
    const { time, store, d, enqueue, metrics } = setup(t, { a: { output: a, policy, deadLetterChannel: 'b' }, b: { output: b, policy, deadLetterChannel: 'a' } });
    enqueue(note('N1'));
    d.wake();
    await turn(6);
    await time.advance(5); // settled records are written within 5 ms
    assert.equal(b.seen.length, 1);
    assert.equal(b.seen[0]!.kind, 'failed');
    assert.match(b.seen[0]!.title, /Delivery to channel a given up \(ERR_EXEC_SPAWN\): t-N1/);
    assert.equal(a.seen.length, 1, 'the failed notice itself failing does not notify a again');
    assert.equal(listOutbox(store.db, { dead: true }, 10).total, 2);
    assert.equal((await metrics.notificationsDead.get()).values.reduce((s, v) => s + v.value, 0), 2);
  });

  it('with a durable outbox, stop lets attempts in flight finish and leaves the rest queued', async (t) => {
    let release!: () => void;
    const slow: Output = { id: 'a', type: 'test', send: () => new Promise((r) => { release = () => r({ status: 'sent' }); }), async close() {} };
    const { store, d, enqueue } = setup(t, { a: { output: slow, policy: { ...policy, concurrency: 1 } } });
    for (let i = 0; i < 5; i++) enqueue(note(`N${i}`));
    d.wake();
    await turn();
    const stopping = d.stop(10_000);
    release();
    await stopping;
    await turn();
    assert.equal(store.outbox.depth(), 4, 'one delivered, four stay for the next start');
  });
});
