/**
 * normalizeAddress: IPv4-mapped IPv6 addresses (any case) become IPv4; everything else is
 * returned as given. It only lower-cases addresses that start with ':' (checked here
 * against the always-lower-casing form over generated addresses).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { normalizeAddress } from '../../../src/core/net.js';

const reference = (a: string) => (a.toLowerCase().startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a);

describe('normalizeAddress', () => {
  it('maps IPv4-mapped IPv6 to IPv4 and keeps the rest', () => {
    assert.equal(normalizeAddress('::ffff:10.0.0.1'), '10.0.0.1');
    assert.equal(normalizeAddress('::FFFF:10.0.0.1'), '10.0.0.1');
    assert.equal(normalizeAddress('10.0.0.1'), '10.0.0.1');
    assert.equal(normalizeAddress('::1'), '::1');
    assert.equal(normalizeAddress('2001:DB8::1'), '2001:DB8::1');
    assert.equal(normalizeAddress('::ffff:a00:1'), '::ffff:a00:1');
  });

  it('answers as the always-lower-casing form', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(':', 'f', 'F', '1', '.', 'a', 'K', '\u212a', 'İ'), { maxLength: 12 }).map((a) => a.join('')), (a) => {
        assert.equal(normalizeAddress(a), reference(a));
      }),
      { numRuns: 5000, seed: 2 },
    );
    for (const a of ['::ffff:1.2.3.4', '::fFfF:1.2.3.4', ':x', '']) assert.equal(normalizeAddress(a), reference(a));
  });
});
