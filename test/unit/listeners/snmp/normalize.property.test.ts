/**
 * The optimized normalizer gives exactly the events the previous one gave (kept as
 * normalize-reference.ts): same fields, same values, same key order, over generated PDUs
 * with every value type, text in every shape (ASCII, UTF-8, BOM, controls, invalid UTF-8,
 * over the value bound) and varbind counts around the per-event bound.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { TrapSecurity } from '../../../../src/core/event.js';
import { PDU } from '../../../../src/listeners/snmp/ber-peek.js';
import type { DecodedPdu } from '../../../../src/listeners/snmp/engine.js';
import { MAX_VARBINDS, normalizeTrap } from '../../../../src/listeners/snmp/normalize.js';
import { createOidIndex } from '../../../../src/mib/oid-index.js';
import { normalizeTrap as referenceNormalize } from './normalize-reference.js';

const SEED = 20261123;
const mibs = createOidIndex([
  ['1.3.6.1.2.1.2.2.1.1', 'IF-MIB', 'ifIndex'], ['1.3.6.1.6.3.1.1.5.3', 'IF-MIB', 'linkDown'],
  ['1.3.6.1.4.1.8072.2.3.2.1', 'NET-SNMP-EXAMPLES-MIB', 'netSnmpExampleHeartbeatName'], ['1.3.6.1.4.1', 'SNMPv2-SMI', 'enterprises'],
]);
const KNOWN = ['1.3.6.1.2.1.2.2.1.1.3', '1.3.6.1.6.3.1.1.5.3', '1.3.6.1.4.1.8072.2.3.2.1', '1.3.6.1.4.1.99.1', '1.2.3', '1.3.6.1.2.1.1.3.0', '1.3.6.1.6.3.1.1.4.1.0', '1.3.6.1.6.3.18.1.3.0', '0.NaN'];
const oid = fc.oneof(fc.constantFrom(...KNOWN), fc.array(fc.nat({ max: 5000 }), { minLength: 1, maxLength: 10 }).map((a) => `1.3.${a.join('.')}`));

const bytes = fc.oneof(
  fc.string({ maxLength: 40 }).map((s) => Buffer.from(s, 'utf8')),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => Buffer.from(s, 'utf8')),
  fc.uint8Array({ maxLength: 40 }).map((u) => Buffer.from(u)),
  fc.string({ maxLength: 10 }).map((s) => Buffer.from(`\ufeff${s}`, 'utf8')),
  fc.constantFrom(Buffer.from('tab\there\r\n'), Buffer.from('bell\x07'), Buffer.from('del\x7f'), Buffer.from('c1\u0085', 'utf8'), Buffer.alloc(0)),
  fc.tuple(fc.constantFrom(4095, 4096, 4097, 9000), fc.constantFrom('a', 'é', '\x01')).map(([n, c]) => Buffer.from(c.repeat(n), 'utf8')),
);
const varbind = fc.oneof(
  fc.record({ oid, type: fc.constantFrom(4, 68), value: fc.oneof(bytes, fc.constant(null)) }),
  fc.record({ oid, type: fc.constantFrom(2, 65, 66, 67), value: fc.oneof(fc.integer(), fc.constant(null)) }),
  fc.record({ oid, type: fc.constant(6), value: oid }),
  fc.record({ oid, type: fc.constant(64), value: fc.constantFrom('192.0.2.1', '0.0.0.0') }),
  fc.record({ oid, type: fc.constant(70), value: fc.oneof(fc.uint8Array({ maxLength: 9 }).map((u) => Buffer.from(u)), fc.constant(null)) }),
  fc.record({ oid, type: fc.constant(3), value: fc.oneof(fc.string({ maxLength: 12 }), fc.constant(null)) }),
  fc.record({ oid, type: fc.constant(1), value: fc.boolean() }),
  fc.record({ oid, type: fc.constantFrom(5, 128, 129, 130), value: fc.constant(null) }),
  fc.record({ oid, type: fc.constantFrom(0, 7, 99), value: fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.boolean(), fc.constant(null), bytes) }),
);
const varbinds = fc.oneof(
  { weight: 150, arbitrary: fc.array(varbind, { maxLength: 12 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(MAX_VARBINDS - 2, MAX_VARBINDS - 1, MAX_VARBINDS + 1), varbind).map(([n, vb]) => Array.from({ length: n }, () => vb)) },
);
// v2c: optionally the standard first varbinds (sysUpTime.0, snmpTrapOID.0, snmpTrapAddress.0).
const v2 = fc.record({
  type: fc.constantFrom(PDU.trapV2, PDU.inform),
  head: fc.subarray([
    { oid: '1.3.6.1.2.1.1.3.0', type: 67, value: 4242 },
    { oid: '1.3.6.1.6.3.1.1.4.1.0', type: 6, value: '1.3.6.1.6.3.1.1.5.3' },
    { oid: '1.3.6.1.6.3.18.1.3.0', type: 64, value: '198.51.100.4' },
    { oid: '1.3.6.1.6.3.1.1.4.1.0', type: 6, value: '1.3.6.1.4.1.99.1' },
  ]),
  varbinds,
}).map(({ type, head, varbinds: vbs }): DecodedPdu => ({ type, varbinds: [...head, ...vbs] }));
const v1 = fc.record({
  varbinds, enterprise: fc.oneof(oid, fc.constant(null)), agentAddr: fc.constantFrom('192.0.2.9', '0.0.0.0'),
  generic: fc.integer({ min: -1, max: 7 }), specific: fc.integer(), upTime: fc.nat(),
}).map((p): DecodedPdu => ({ type: PDU.trapV1, ...p }));
const security = fc.constantFrom<TrapSecurity>({ model: 'community', community: 'communities[0]' }, { model: 'usm', user: 'noc', level: 'authPriv', engineId: '8000000001020304' });
const hostFrom = fc.subarray(['trap_address', 'agent_address', 'source'] as const);

describe('normalizeTrap is unchanged by the hot-path work', () => {
  it('gives the same trap, host and message as before, keys in the same order (10,000 runs)', () => {
    fc.assert(fc.property(fc.oneof(v1, v2), security, hostFrom, (pdu, sec, from) => {
      const version = pdu.type === PDU.trapV1 ? 'v1' : sec.model === 'usm' ? 'v3' : 'v2c';
      const o = { version, security: sec, mibs, hostFrom: from, peerAddress: '127.0.0.1' } as const;
      const got = normalizeTrap(pdu, o);
      const want = referenceNormalize(pdu, o);
      assert.deepEqual(got, want);
      assert.equal(JSON.stringify(got), JSON.stringify(want));
    }), { numRuns: 10_000, seed: SEED });
  });
});
