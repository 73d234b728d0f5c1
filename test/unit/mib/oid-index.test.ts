/**
 * The OID index's remembered answers: a repeated lookup answers as the first did (names,
 * instance suffixes, unknown OIDs), past the cache bound too, and a hostile 30,000-arc OID
 * is answered without being kept.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createOidIndex } from '../../../src/mib/oid-index.js';

const index = createOidIndex([['1.3.6.1.2.1.2.2.1.1', 'IF-MIB', 'ifIndex'], ['1.3.6.1.6.3.1.1.5.3', 'IF-MIB', 'linkDown']]);

it('answers repeated lookups as the first ones, past the cache bound too', () => {
  for (let round = 0; round < 2; round++) {
    assert.equal(index.nameOf('1.3.6.1.2.1.2.2.1.1.3'), 'IF-MIB::ifIndex.3');
    assert.equal(index.nameOf('1.3.6.1.6.3.1.1.5.3'), 'IF-MIB::linkDown');
    assert.equal(index.nameOf('1.3.6.1.4.1.9999.1'), undefined);
    assert.equal(index.nameOf('not an oid'), undefined);
  }
  for (let i = 0; i < 25_000; i++) assert.equal(index.nameOf(`1.3.6.1.2.1.2.2.1.1.${i}`), `IF-MIB::ifIndex.${i}`);
  assert.equal(index.nameOf('1.3.6.1.2.1.2.2.1.1.7'), 'IF-MIB::ifIndex.7');
});

it('answers a 30,000-arc OID (not kept) like any other', () => {
  const hostile = `1.3.6.1.2.1.2.2.1.1${'.1'.repeat(30_000)}`;
  const name = index.nameOf(hostile);
  assert.ok(name?.startsWith('IF-MIB::ifIndex.1.1'));
  assert.equal(index.nameOf(hostile), name);
});
