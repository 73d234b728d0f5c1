/**
 * Leasing against a model, over random sequences of commits, leases, acks, retries,
 * burials, time steps and external changes: a lease never hands out a record twice or one
 * not yet due, never misses a due record when it returns fewer than asked (the in-memory
 * fast path and the query must agree), and depths match. Real SQLite in a temp dir.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import type { Notification } from '../../../src/core/notification.js';
import { createLogger } from '../../../src/observe/logger.js';
import { createMetrics } from '../../../src/observe/metrics.js';
import { openStore } from '../../../src/store/index.js';
import { createFakeTime } from '../../helpers/fake-clock.js';
import { tempDir } from '../../helpers/temp.js';

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);
const channel = fc.constantFrom('a', 'b');
const command = fc.oneof(
  fc.record({ op: fc.constant('commit' as const), channels: fc.array(channel, { maxLength: 4 }) }),
  fc.record({ op: fc.constant('lease' as const), channel, limit: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('ack' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('retry' as const), pick: fc.nat(), delay: fc.integer({ min: 0, max: 3000 }) }),
  fc.record({ op: fc.constant('bury' as const), pick: fc.nat(), followUp: fc.boolean() }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 2000 }) }),
  fc.record({ op: fc.constant('refresh' as const) }),
);

it('leases agree with a model of the outbox', async (t) => {
  let seq = 0;
  const note = (ch: string, at: number): Notification => ({
    id: `N${String(++seq).padStart(8, '0')}`, createdAt: at, kind: 'alert', channel: ch, routeIndex: 0, key: 'k',
    severity: 'warning', category: 'virus', title: 't', items: [], suppressed: 0,
  });
  await fc.assert(fc.asyncProperty(fc.array(command, { maxLength: 40 }), async (commands) => {
    const time = createFakeTime(T0);
    const store = openStore({ dir: tempDir(t), synchronous: 'normal', maxOutbox: 1000 }, { clock: time, timers: time, log: createLogger({ level: 'silent' }), metrics: createMetrics() });
    const model = new Map<string, { channel: string; due: number; flying: boolean }>();
    const flying = () => [...model].filter(([, r]) => r.flying).map(([id]) => id);
    try {
      for (const c of commands) {
        const now = time.now();
        if (c.op === 'commit') {
          const ns = c.channels.map((ch) => note(ch, now));
          store.commit({ events: [], notifications: ns, state: [] });
          for (const n of ns) model.set(n.id, { channel: n.channel, due: now, flying: false });
        } else if (c.op === 'lease') {
          const got = store.outbox.lease(c.channel, now, c.limit);
          assert.ok(got.length <= c.limit);
          for (const r of got) {
            const m = model.get(r.notification.id);
            assert.ok(m && !m.flying && m.channel === c.channel && m.due <= now, `leased ${r.notification.id} wrongly`);
            m.flying = true;
          }
          if (got.length < c.limit) {
            const missed = [...model].filter(([, r]) => r.channel === c.channel && !r.flying && r.due <= now);
            assert.deepEqual(missed, [], 'a due record was not leased');
          }
        } else if (c.op === 'advance') {
          await time.advance(c.ms);
        } else if (c.op === 'refresh') {
          store.outbox.refresh();
        } else {
          const ids = flying();
          if (ids.length === 0) continue;
          const id = ids[c.pick % ids.length]!;
          const m = model.get(id)!;
          if (c.op === 'ack') {
            store.outbox.ack(id);
            model.delete(id);
          } else if (c.op === 'retry') {
            store.outbox.retry(id, now + c.delay, { code: 'ERR_X', message: 'x' });
            m.flying = false;
            m.due = now + c.delay;
          } else {
            const followUp = c.followUp ? note(m.channel === 'a' ? 'b' : 'a', now) : undefined;
            store.outbox.bury(id, { code: 'ERR_X', message: 'x' }, followUp);
            model.delete(id);
            if (followUp) model.set(followUp.id, { channel: followUp.channel, due: now, flying: false });
          }
        }
        for (const ch of ['a', 'b']) {
          assert.equal(store.outbox.depth(ch), [...model.values()].filter((r) => r.channel === ch).length, `depth of ${ch}`);
        }
      }
    } finally {
      await store.close();
    }
  }), {
    numRuns: 100,
    // Found by this test: a refresh forgot the follow-up of a burial not yet written.
    examples: [[[{ op: 'commit', channels: ['a'] }, { op: 'lease', channel: 'a', limit: 1 }, { op: 'bury', pick: 0, followUp: true }, { op: 'refresh' }]]],
  });
});
