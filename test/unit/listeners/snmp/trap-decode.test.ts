/**
 * trap-decode.ts against net-snmp itself (the decoder it replaces for v1/v2c traps): over
 * generated traps with every varbind type and odd encodings, and over random edits of them
 * and of the captured datagrams, both accept the same datagrams with the same PDU, and the
 * engine turns them into the same normalized trap as net-snmp's PDU would give.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createEngine, type DecodedPdu } from '../../../../src/listeners/snmp/engine.js';
import { peekMessage, PDU } from '../../../../src/listeners/snmp/ber-peek.js';
import { createNetSnmpDecoder } from '../../../../src/listeners/snmp/net-snmp-decode.js';
import { normalizeTrap } from '../../../../src/listeners/snmp/normalize.js';
import { decodeTrapPdu } from '../../../../src/listeners/snmp/trap-decode.js';
import { createOidIndex } from '../../../../src/mib/oid-index.js';
import { mutation } from '../../../helpers/snmp-mutate.js';
import { fixture, int, oidBody, tlv, v1Trap, v2cTrap } from '../../../helpers/snmp-packets.js';
import { engineOptions } from './engine-options.js';

const SEED = 20261123;
const PEER = { address: '127.0.0.1', port: 40000 };
const reference = createNetSnmpDecoder();
const mibs = createOidIndex([['1.3.6.1.2.1.2.2.1.1', 'IF-MIB', 'ifIndex'], ['1.3.6.1.6.3.1.1.5.3', 'IF-MIB', 'linkDown'], ['1.3.6.1.4.1', 'SNMPv2-SMI', 'enterprises']]);

/** The fields a DecodedPdu carries, from either decoder. */
function fields(p: DecodedPdu): DecodedPdu {
  return p.type === PDU.trapV1
    ? { type: p.type, varbinds: p.varbinds, enterprise: p.enterprise, agentAddr: p.agentAddr, generic: p.generic, specific: p.specific, upTime: p.upTime }
    : { type: p.type, varbinds: p.varbinds };
}

/** net-snmp's verdict on a v1/v2c trap datagram, or undefined when the header is not one. */
function viaNetSnmp(bytes: Buffer): { pdu?: DecodedPdu } | undefined {
  const h = peekMessage(bytes);
  if (!h || h.version === 'v3' || (h.pduType !== PDU.trapV1 && h.pduType !== PDU.trapV2)) return undefined;
  const r = reference.decode(bytes, PEER, { community: h.community!.toString('utf8') });
  return r.error === undefined && r.pdu ? { pdu: r.pdu } : {};
}

function viaOwn(bytes: Buffer): DecodedPdu | undefined {
  const h = peekMessage(bytes)!;
  return h.community!.length > 0 ? decodeTrapPdu(bytes, h.pduAt!) : undefined;
}

const oidText = fc.array(fc.oneof(fc.nat({ max: 200 }), fc.nat(), fc.constant(0xffffffff), fc.constant(2 ** 35)), { minLength: 0, maxLength: 12 })
  .map((arcs) => ['1', '3', ...arcs.map(String)].join('.'));
// Value encodings, well-formed or not: net-snmp's quirks are what is compared.
const value = fc.oneof(
  fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }).map((n) => int(n)),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((n) => int(n)),
  fc.tuple(fc.constantFrom(0x41, 0x42, 0x43), fc.bigInt({ min: -1n, max: 2n ** 40n })).map(([t, n]) => int(n, t)),
  fc.uint8Array({ maxLength: 40 }).map((u) => tlv(0x04, Buffer.from(u))),
  fc.string({ maxLength: 30 }).map((s) => tlv(0x04, Buffer.from(s, 'utf8'))),
  fc.tuple(fc.constantFrom(0x44, 0x46, 0x40), fc.uint8Array({ maxLength: 10 })).map(([t, u]) => tlv(t, Buffer.from(u))),
  oidText.map((o) => tlv(0x06, oidBody(o))),
  fc.uint8Array({ maxLength: 6 }).map((u) => tlv(0x06, Buffer.from(u))),
  fc.tuple(fc.nat({ max: 9 }), fc.uint8Array({ maxLength: 6 })).map(([ignored, u]) => tlv(0x03, Buffer.from([ignored, ...u]))),
  fc.uint8Array({ maxLength: 3 }).map((u) => tlv(0x01, Buffer.from(u))),
  fc.tuple(fc.constantFrom(0x05, 0x80, 0x81, 0x82), fc.uint8Array({ maxLength: 2 })).map(([t, u]) => tlv(t, Buffer.from(u))),
  fc.tuple(fc.constantFrom(0x00, 0x07, 0x30, 0x45, 0x47, 0x83, 0xa0), fc.uint8Array({ maxLength: 4 })).map(([t, u]) => tlv(t, Buffer.from(u))),
);
const varbinds = fc.array(fc.tuple(oidText, value), { maxLength: 8 });
const community = fc.constantFrom('public', 'public', 'other');
const v2c = fc.tuple(community, oidText, varbinds).map(([c, o, vbs]) => v2cTrap(c, o, vbs));
const v1 = fc.record({
  community, enterprise: oidText, agent: fc.constantFrom('192.0.2.7', '0.0.0.0'),
  generic: fc.integer({ min: -1, max: 7 }), specific: fc.integer({ min: -5, max: 2 ** 31 - 1 }), varbinds,
}).map((t) => v1Trap(t));
const generated = fc.oneof(v2c, v1);
const seeds = [fixture('v1-trap'), fixture('v2c-trap')];
const input = fc.oneof(
  { weight: 3, arbitrary: generated },
  { weight: 3, arbitrary: generated.chain((b) => mutation([b])) },
  { weight: 2, arbitrary: mutation(seeds) },
);

describe('v1/v2c trap decoding matches net-snmp', () => {
  it('accepts exactly what net-snmp accepts, with the same PDU (30,000 runs)', () => {
    let compared = 0;
    let accepted = 0;
    fc.assert(fc.property(input, (bytes) => {
      const ref = viaNetSnmp(bytes);
      if (!ref) return;
      compared++;
      const own = viaOwn(bytes);
      assert.equal(own !== undefined, ref.pdu !== undefined, `verdicts differ for ${bytes.toString('hex')}`);
      if (!own || !ref.pdu) return;
      accepted++;
      assert.deepEqual(fields(own), fields(ref.pdu));
      const o = { version: own.type === PDU.trapV1 ? 'v1' : 'v2c', security: { model: 'community', community: 'communities[0]' }, mibs, hostFrom: ['trap_address', 'agent_address', 'source'], peerAddress: PEER.address } as const;
      assert.deepEqual(normalizeTrap(own, o), normalizeTrap(ref.pdu, o));
    }), { numRuns: 30_000, seed: SEED });
    // The generators must exercise both verdicts, not only one.
    assert.ok(accepted > 3000 && compared - accepted > 3000, `accepted ${accepted} of ${compared}`);
  });

  it('the engine accepts a trap exactly when net-snmp decodes it, with its PDU', () => {
    const engine = createEngine(engineOptions());
    fc.assert(fc.property(input, (bytes) => {
      const ref = viaNetSnmp(bytes);
      const o = engine.process(bytes, PEER, 0);
      if (!ref) return;
      if (o.kind === 'rejected' && o.reason === 'community') return;
      if (ref.pdu) {
        assert.equal(o.kind, 'accepted');
        if (o.kind === 'accepted') {
          assert.deepEqual(fields(o.pdu), fields(ref.pdu));
          assert.deepEqual(o.responses, []);
        }
      } else {
        assert.deepEqual(o, { kind: 'rejected', reason: 'malformed', version: peekMessage(bytes)!.version });
      }
    }), { numRuns: 5_000, seed: SEED });
  });

  it('an empty community, even when configured, is undecodable as with net-snmp', () => {
    const engine = createEngine(engineOptions({ communityList: [''] }));
    const bytes = v2cTrap('', '1.3.6.1.6.3.1.1.5.3');
    assert.deepEqual(viaNetSnmp(bytes), {});
    assert.deepEqual(engine.process(bytes, PEER, 0), { kind: 'rejected', reason: 'malformed', version: 'v2c' });
  });

  it('decodes net-snmp quirks the same way: empty OIDs, wrapped arcs, trailing varbinds', () => {
    const odd = [
      v2cTrap('public', '1.3.6.1.4.1.1', [['1.3.6.1.2.1.2.2.1.1.3', tlv(0x06, Buffer.alloc(0))]]),
      v2cTrap('public', '1.3.6.1.4.1.1', [['1.3.6.1.2.1.2.2.1.1.3', tlv(0x06, Buffer.from([0x2b, 0x86]))]]),
      v2cTrap('public', `1.3.6.1.4.1.${2 ** 33 + 5}`),
      Buffer.concat([v2cTrap('public', '1.3.6.1.6.3.1.1.5.3'), tlv(0x30, tlv(0x06, oidBody('1.3.6.1.2.1.1.5.0')), tlv(0x04, Buffer.from('x')))]),
    ];
    for (const bytes of odd) {
      const ref = viaNetSnmp(bytes)!;
      assert.ok(ref.pdu, bytes.toString('hex'));
      assert.deepEqual(fields(viaOwn(bytes)!), fields(ref.pdu));
    }
  });
});
