import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAllowList, createSourceRateLimit, parseCidr } from '../../../src/listeners/access.js';

describe('allow-list', () => {
  const cases: [string[], string, boolean][] = [
    [[], '203.0.113.9', true],
    [['127.0.0.1/32'], '127.0.0.1', true],
    [['127.0.0.1/32'], '127.0.0.2', false],
    [['127.0.0.1/32'], '::ffff:127.0.0.1', true],
    [['10.0.0.0/8'], '10.255.1.2', true],
    [['10.0.0.0/8'], '11.0.0.1', false],
    [['2001:db8::/32'], '2001:db8:1::5', true],
    [['2001:db8::/32'], '2001:db9::1', false],
    [['::1'], '::1', true],
    [['::1'], '127.0.0.1', false],
    [['0.0.0.0/0'], '8.8.8.8', true],
    [['0.0.0.0/0'], '::1', false],
    [['::/0'], '::1', true],
    [['::ffff:10.0.0.0/104'], '10.1.2.3', true],
    [['10.0.0.0/8'], 'not-an-address', false],
  ];
  for (const [cidrs, address, allowed] of cases) {
    it(`${JSON.stringify(cidrs)} ${allowed ? 'allows' : 'refuses'} ${address}`, () => {
      assert.equal(createAllowList(cidrs)(address), allowed);
    });
  }
  it('rejects invalid CIDRs', () => {
    for (const bad of ['10.0.0.0/33', '300.1.1.1', '2001:db8::/129', 'x', '10.0.0.0/a']) assert.equal(parseCidr(bad), undefined, bad);
    assert.throws(() => createAllowList(['10.0.0.0/40']), /invalid CIDR/);
  });
});

describe('per-source rate limit', () => {
  it('allows a burst, then the refill rate', () => {
    const allow = createSourceRateLimit(10, 5);
    const results = Array.from({ length: 8 }, () => allow('a', 0));
    assert.deepEqual(results, [true, true, true, true, true, false, false, false]);
    assert.equal(allow('b', 0), true, 'sources are independent');
    assert.equal(allow('a', 100), true, 'one token back after 100 ms at 10/s');
    assert.equal(allow('a', 100), false);
  });
  it('keeps at most maxSources buckets', () => {
    const allow = createSourceRateLimit(1, 1, 3);
    for (let i = 0; i < 100; i++) allow(`s${i}`, 0);
    assert.equal(allow('s99', 0), false, 'the newest source keeps its bucket');
  });
});
