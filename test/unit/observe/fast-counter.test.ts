import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Counter, Registry } from 'prom-client';
import { FastCounter } from '../../../src/observe/fast-counter.js';

const pair = () => {
  const registry = new Registry();
  const fast = new FastCounter({ name: 'fast_total', help: 'h', labelNames: ['a', 'b'] as const, registers: [registry] });
  const plain = new Counter({ name: 'plain_total', help: 'h', labelNames: ['a', 'b'] as const, registers: [registry] });
  return { registry, fast, plain };
};
const values = async (c: Counter<'a' | 'b'>) => (await c.get()).values.map((v) => ({ labels: v.labels, value: v.value }))
  .sort((x, y) => JSON.stringify(x.labels).localeCompare(JSON.stringify(y.labels)));

test('reads the same sums as a prom-client Counter fed the same increments', async () => {
  const label = fc.constantFrom('', 'x', 'y', '1:', ':x', '0', 'a:b');
  await fc.assert(fc.asyncProperty(fc.array(fc.tuple(label, label, fc.nat(5))), async (incs) => {
    const { fast, plain } = pair();
    for (const [a, b, n] of incs) {
      fast.inc({ a, b }, n);
      plain.inc({ a, b }, n);
    }
    assert.deepEqual(await values(fast), await values(plain));
  }));
});

test('label sets that concatenate alike stay apart', async () => {
  const { fast } = pair();
  fast.inc({ a: 'x1', b: ':y' });
  fast.inc({ a: 'x', b: '1:y' }, 2);
  assert.deepEqual(await values(fast), [{ labels: { a: 'x', b: '1:y' }, value: 2 }, { labels: { a: 'x1', b: ':y' }, value: 1 }]);
});

test('counts between reads, through labels(), and without labels', async () => {
  const registry = new Registry();
  const bare = new FastCounter({ name: 'bare_total', help: 'h', registers: [registry] });
  bare.inc();
  bare.inc(4);
  assert.equal((await bare.get()).values[0]?.value, 5);
  bare.inc();
  assert.match(await registry.metrics(), /bare_total 6/);
  const { fast } = pair();
  fast.labels('p', 'q').inc(3);
  fast.labels({ a: 'p', b: 'q' }).inc();
  assert.deepEqual(await values(fast), [{ labels: { a: 'p', b: 'q' }, value: 4 }]);
});

test('a series shows at 0 from its first increment; reset and remove forget', async () => {
  const { fast } = pair();
  fast.inc({ a: 'p', b: 'q' }, 0);
  assert.deepEqual(await values(fast), [{ labels: { a: 'p', b: 'q' }, value: 0 }]);
  fast.inc({ a: 'p', b: 'q' });
  fast.reset();
  assert.deepEqual(await values(fast), []);
  fast.inc({ a: 'p', b: 'q' });
  fast.inc({ a: 'r', b: 's' });
  fast.remove({ a: 'p', b: 'q' });
  fast.inc({ a: 'r', b: 's' });
  assert.deepEqual(await values(fast), [{ labels: { a: 'r', b: 's' }, value: 2 }]);
});

test('its own increment is the one called (prom-client sets one on the instance)', () => {
  const { fast } = pair();
  assert.equal(fast.inc, FastCounter.prototype.inc);
  fast.inc({ a: 'p', b: 'q' }, 2);
  const internal = (fast as unknown as { hashMap: Record<string, { value: number }> }).hashMap;
  assert.deepEqual(Object.values(internal).map((v) => v.value), [0], 'not folded into prom-client before a read');
});

test('refuses what prom-client refuses: unknown labels, negative values', () => {
  const { fast } = pair();
  assert.throws(() => fast.inc({ c: 'x' } as never));
  assert.throws(() => fast.inc({ a: 'x' }, -1));
});
