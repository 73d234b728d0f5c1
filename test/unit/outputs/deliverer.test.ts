/**
 * The deliverer against a scripted output and a fake clock: retries with backoff, dead
 * letters after attempts or age, permanent failures, concurrency, throwing outputs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../../src/core/errors.js';
import type { Notification } from '../../../src/core/notification.js';
import type { Delivery, Output } from '../../../src/core/output.js';
import { createLogger } from '../../../src/observe/logger.js';
import { createMetrics } from '../../../src/observe/metrics.js';
import { createDeliverer } from '../../../src/outputs/deliverer.js';
import { backoffDelay, type RetryPolicy } from '../../../src/outputs/retry-policy.js';
import { createMemoryOutbox } from '../../../src/store/outbox-memory.js';
import { createFakeTime } from '../../helpers/fake-clock.js';

const POLICY: RetryPolicy = { maxAttempts: 4, maxAgeMs: 3_600_000, initialMs: 1000, maxMs: 8000, concurrency: 2, attemptTimeoutMs: 5000 };
const silent = createLogger({ level: 'silent' });

function notification(id: string, createdAt: number): Notification {
  return { id, createdAt, kind: 'alert', channel: 'ch', routeIndex: 0, key: 'k', severity: 'critical', category: 'virus', title: 't', items: [], suppressed: 0 };
}

function setup(script: (id: string, attempt: number) => Delivery | Promise<Delivery>, policy = POLICY) {
  const time = createFakeTime();
  const outbox = createMemoryOutbox(time.now);
  const calls: { id: string; at: number }[] = [];
  const attempts = new Map<string, number>();
  const output: Output = {
    id: 'ch',
    type: 'test',
    async send(n) {
      const a = (attempts.get(n.id) ?? 0) + 1;
      attempts.set(n.id, a);
      calls.push({ id: n.id, at: time.now() });
      return script(n.id, a);
    },
    async close() {},
  };
  const metrics = createMetrics();
  const deliverer = createDeliverer(new Map([['ch', { output, policy }]]), { outbox, clock: time, timers: time, log: silent, metrics, random: () => 0.5 });
  const enqueue = (...ids: string[]) => {
    outbox.enqueue(ids.map((id) => notification(id, time.now())));
    deliverer.wake('ch');
  };
  return { time, outbox, calls, deliverer, enqueue, metrics };
}

const retry = (): Delivery => ({ status: 'retry', error: new GatewayError('ERR_EXEC_EXIT', 'temporary') });

describe('deliverer', () => {
  it('delivers and acks', async () => {
    const s = setup(() => ({ status: 'sent' }));
    s.enqueue('a', 'b');
    await s.time.advance(0);
    assert.deepEqual(s.calls.map((c) => c.id), ['a', 'b']);
    assert.equal(s.outbox.depth(), 0);
  });

  it('retries with capped exponential backoff, then succeeds', async () => {
    const s = setup((_, attempt) => (attempt < 3 ? retry() : { status: 'sent' }));
    const t0 = s.time.now();
    s.enqueue('a');
    await s.time.advance(60_000);
    // random() = 0.5 → delay = 3/4 of the step: 750 ms, then 1500 ms.
    assert.deepEqual(s.calls.map((c) => c.at - t0), [0, 750, 2250]);
    assert.equal(s.outbox.depth(), 0);
  });

  it('gives up after max attempts into the dead letters', async () => {
    const s = setup(() => retry());
    s.enqueue('a');
    await s.time.advance(600_000);
    assert.equal(s.calls.length, POLICY.maxAttempts);
    assert.equal(s.outbox.depth(), 0);
    assert.equal(s.outbox.dead().length, 1);
    assert.equal(s.outbox.dead()[0]!.lastError?.code, 'ERR_EXEC_EXIT');
  });

  it('gives up when the next attempt would pass max age', async () => {
    const s = setup(() => retry(), { ...POLICY, maxAttempts: 100, maxAgeMs: 5000 });
    s.enqueue('a');
    await s.time.advance(600_000);
    assert.equal(s.calls.length, 3); // 0, 750, 2250; the next (5250) is past 5 s
    assert.equal(s.outbox.dead().length, 1);
  });

  it('a permanent failure is dead after one attempt', async () => {
    const s = setup(() => ({ status: 'failed', error: new GatewayError('ERR_EXEC_SPAWN', 'missing') }));
    s.enqueue('a');
    await s.time.advance(60_000);
    assert.equal(s.calls.length, 1);
    assert.equal(s.outbox.dead().length, 1);
  });

  it('a throwing output is a bug: retried, not lost', async () => {
    const s = setup((_, attempt) => {
      if (attempt === 1) throw new Error('boom');
      return { status: 'sent' };
    });
    s.enqueue('a');
    await s.time.advance(10_000);
    assert.equal(s.calls.length, 2);
    assert.equal(s.outbox.depth(), 0);
    assert.equal(s.outbox.dead().length, 0);
  });

  it('keeps at most `concurrency` attempts in flight per channel', async () => {
    let inFlight = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    const s = setup(() => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      return new Promise<Delivery>((resolve) => release.push(() => {
        inFlight--;
        resolve({ status: 'sent' });
      }));
    });
    s.enqueue('a', 'b', 'c', 'd', 'e');
    await s.time.advance(0);
    assert.equal(s.deliverer.inFlight(), 2);
    while (release.length) {
      release.shift()!();
      await s.time.advance(0);
    }
    assert.equal(peak, 2);
    assert.equal(s.calls.length, 5);
  });

  it('honours retryAfterMs when it is longer than the backoff', async () => {
    const s = setup((_, attempt) => (attempt === 1 ? { status: 'retry', error: new GatewayError('ERR_EXEC_EXIT', 'later'), retryAfterMs: 30_000 } : { status: 'sent' }));
    const t0 = s.time.now();
    s.enqueue('a');
    await s.time.advance(60_000);
    assert.deepEqual(s.calls.map((c) => c.at - t0), [0, 30_000]);
  });
});

describe('backoff', () => {
  it('doubles up to the cap and never reaches zero', () => {
    const steps = [1, 2, 3, 4, 5, 6].map((a) => backoffDelay(POLICY, a, () => 0));
    assert.deepEqual(steps, [500, 1000, 2000, 4000, 4000, 4000]);
    assert.equal(backoffDelay(POLICY, 10, () => 1), 8000);
  });
});
