/**
 * USM user lookup (one name, several engine IDs) and the RFC 3414 replay window for traps.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Secret } from '../../../../src/core/secret.js';
import { createTimeWindow, createUserTable, userLevel } from '../../../../src/listeners/snmp/usm.js';

const key = new Secret('k'.repeat(12), 'test');

describe('USM users', () => {
  const a = { name: 'noc', engineIds: ['aa01'], auth: { protocol: 'sha' as const, key } };
  const b = { name: 'noc', engineIds: ['bb02'], auth: { protocol: 'sha256' as const, key }, priv: { protocol: 'aes' as const, key } };
  const any = { name: 'ops', engineIds: [] };
  const find = createUserTable([a, b, any]);

  it('picks the entry bound to the engine; another engine or name is rejected with its reason', () => {
    assert.deepEqual(find('noc', 'aa01'), { user: a });
    assert.deepEqual(find('noc', 'bb02'), { user: b });
    assert.deepEqual(find('noc', 'cc03'), { problem: 'engine' });
    assert.deepEqual(find('nobody', 'aa01'), { problem: 'user' });
    assert.deepEqual(find('ops', 'cc03'), { user: any });
    assert.deepEqual([userLevel(a), userLevel(b), userLevel(any)], ['authNoPriv', 'authPriv', 'noAuthNoPriv']);
  });
});

describe('time window', () => {
  it('accepts newer messages, rejects one more than 150 s older than the notion or from an earlier boot', () => {
    const ok = createTimeWindow();
    assert.equal(ok('e1', 1, 1000, 0), true);
    assert.equal(ok('e1', 1, 2000, 1000), true, 'newer: the notion moves to 2000');
    assert.equal(ok('e1', 1, 1000, 1000), false, 'a replay of the first');
    assert.equal(ok('e1', 1, 1900, 1000), true, 'within 150 s');
    assert.equal(ok('e1', 1, 1900, 200_000), false, 'the notion advanced with the local clock');
    assert.equal(ok('e1', 0, 5000, 200_000), false, 'an earlier boot');
    assert.equal(ok('e2', 1, 5, 0), true, 'engines are independent');
    assert.equal(ok('e3', 2147483647, 5, 0), false, 'boots at its maximum');
  });

  it('forgets the oldest engine beyond its bound', () => {
    const ok = createTimeWindow(2);
    ok('e1', 1, 1000, 0);
    ok('e2', 1, 1000, 0);
    ok('e3', 1, 1000, 0);
    assert.equal(ok('e1', 1, 10, 0), true, 'e1 was forgotten, so its old time is accepted');
    assert.equal(ok('e3', 1, 10, 0), false);
  });
});
