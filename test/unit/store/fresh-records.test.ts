import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Notification } from '../../../src/core/notification.js';
import { createFreshRecords } from '../../../src/store/fresh-records.js';

const n = (id: string, channel = 'a') => ({ id, channel }) as Notification;

it('hands out due records oldest first, per channel', () => {
  const f = createFreshRecords(10);
  f.add(n('1'), 100);
  f.add(n('2', 'b'), 100);
  f.add(n('3'), 200);
  assert.equal(f.firstDue('a'), 100);
  assert.deepEqual(f.take('a', 150, 5).map((r) => r.n.id), ['1'], 'not yet due stays');
  assert.deepEqual(f.take('a', 200, 5).map((r) => r.n.id), ['3']);
  assert.equal(f.size('a'), 0);
  assert.equal(f.firstDue('a'), undefined);
  assert.deepEqual(f.take('b', 100, 5).map((r) => r.n.id), ['2']);
});

it('stays within its bound by forgetting the channel that would pass it', () => {
  const f = createFreshRecords(3);
  f.add(n('1'), 1);
  f.add(n('2'), 1);
  f.add(n('3', 'b'), 1);
  f.add(n('4'), 1);
  assert.equal(f.size('a'), 1, "a's earlier records were forgotten, the new one kept");
  assert.equal(f.size('b'), 1);
  f.add(n('5', 'c'), 1);
  f.add(n('6', 'c'), 1);
  assert.ok(f.size('a') + f.size('b') + f.size('c') <= 3);
  f.forget();
  assert.deepEqual([f.size('a'), f.size('b'), f.size('c')], [0, 0, 0]);
});

it('keeps order across many takes (the queue compacts)', () => {
  const f = createFreshRecords(5000);
  for (let i = 0; i < 3000; i++) f.add(n(String(i)), i);
  const seen: string[] = [];
  while (f.size('a') > 0) seen.push(...f.take('a', 1e9, 7).map((r) => r.n.id));
  assert.deepEqual(seen, Array.from({ length: 3000 }, (_, i) => String(i)));
});
