/**
 * ULIDs: 26 Crockford base32 characters, time prefix from the clock, strictly increasing
 * within one millisecond and across milliseconds, and distinct random parts across many
 * milliseconds (enough to refill the random pool several times).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUlidFactory } from '../../../src/core/ids.js';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe('ULID factory', () => {
  it('encodes the time and stays strictly increasing within and across milliseconds', () => {
    let t = 1_700_000_000_000;
    const next = createUlidFactory(() => t);
    const ids: string[] = [];
    for (let ms = 0; ms < 1200; ms++) {
      for (let k = 0; k < 3; k++) ids.push(next());
      t++;
    }
    for (const id of ids) assert.match(id, ULID);
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} < ${ids[i]}`);
    const randomParts = new Set(ids.filter((_, i) => i % 3 === 0).map((id) => id.slice(10)));
    assert.equal(randomParts.size, 1200);
  });

  it('puts the millisecond time in the first 10 characters', () => {
    const next = createUlidFactory(() => 1_469_918_176_385);
    assert.equal(next().slice(0, 10), '01ARYZ6S41'); // the example in the ULID spec
  });

  it('counts up by one within a millisecond, carrying across digits', () => {
    const next = createUlidFactory(() => 1_700_000_000_000);
    const value = (id: string) => [...id.slice(10)].reduce((n, ch) => n * 32n + BigInt('0123456789ABCDEFGHJKMNPQRSTVWXYZ'.indexOf(ch)), 0n);
    let prev = next();
    // 5,000 ids carry out of the last digit about 150 times and out of the last two several times.
    for (let i = 0; i < 5000; i++) {
      const id = next();
      assert.match(id, ULID);
      assert.equal(id.slice(0, 10), prev.slice(0, 10));
      assert.equal(value(id), value(prev) + 1n, `${prev} -> ${id}`);
      prev = id;
    }
  });
});
