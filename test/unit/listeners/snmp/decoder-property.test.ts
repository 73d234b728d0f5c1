/**
 * TEST-PLAN B1, unit level: the header reader and the whole engine (net-snmp decode and
 * authentication included) over arbitrary bytes and seeded mutations of the captured
 * datagrams never throw, and only ever answer an accepted inform or a discovery request.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { peekMessage, PDU } from '../../../../src/listeners/snmp/ber-peek.js';
import { createEngine } from '../../../../src/listeners/snmp/engine.js';
import { allFixtures } from '../../../helpers/snmp-packets.js';
import { mutation } from '../../../helpers/snmp-mutate.js';
import { engineOptions } from './engine-options.js';

const SEED = 20261122;
const seeds = [...allFixtures().values()];
const PEER = { address: '127.0.0.1', port: 40000 };

describe('SNMP decoding is total', () => {
  it('peekMessage never throws on arbitrary bytes (50,000 runs)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1500 }), (b) => {
      peekMessage(b);
    }), { numRuns: 50_000, seed: SEED });
  });

  it('the engine never throws on random datagrams and mutated captures, and answers only what it may', () => {
    const engine = createEngine(engineOptions());
    const input = fc.oneof(
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 1500 }).map((u) => Buffer.from(u)) },
      { weight: 4, arbitrary: mutation(seeds) },
    );
    fc.assert(fc.property(input, (bytes) => {
      const o = engine.process(bytes, PEER, 0);
      if (o.kind === 'accepted') {
        assert.ok(o.responses.length === 0 || o.pdu.type === PDU.inform, 'only an inform is acknowledged');
        for (const r of o.responses) assert.equal(peekMessage(r)?.pduType ?? PDU.response, PDU.response);
      } else if (o.kind === 'discovery') {
        assert.equal(o.responses.length, 1);
      }
    }), { numRuns: 20_000, seed: SEED });
  });
});
