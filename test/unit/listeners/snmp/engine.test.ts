/**
 * The admission engine on captured datagrams and crafted hostile ones: what is accepted,
 * why the rest is rejected, and that bytes go back only for an accepted inform or a v3
 * discovery request. Includes the net-snmp inform-ack crash and the empty v3 user.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { peekMessage, PDU } from '../../../../src/listeners/snmp/ber-peek.js';
import { createEngine, type Outcome } from '../../../../src/listeners/snmp/engine.js';
import { allFixtures, communityMessage, fixture, int, octets, oid, tlv, v2cTrap } from '../../../helpers/snmp-packets.js';
import { engineOptions, FIXTURE_ENGINE } from './engine-options.js';

const PEER = { address: '127.0.0.1', port: 40000 };
const reason = (o: Outcome) => (o.kind === 'rejected' ? o.reason : o.kind);

describe('snmp engine', () => {
  it('accepts every captured trap and inform with the right credentials', () => {
    const e = createEngine(engineOptions());
    for (const name of ['v1-trap', 'v2c-trap', 'v2c-inform', 'v3-authpriv-sha-aes-trap', 'v3-authnopriv-sha256-trap', 'v3-authpriv-sha-aes-inform']) {
      const o = e.process(fixture(name), PEER, 0);
      assert.equal(o.kind, 'accepted', name);
      if (o.kind !== 'accepted') continue;
      const inform = name.includes('inform');
      assert.equal(o.responses.length, inform ? 1 : 0, `${name}: responses`);
      if (inform) assert.equal(peekMessage(o.responses[0]!)?.version, o.version);
    }
  });

  it('acks a v2c inform with a Response carrying the same request id', () => {
    const o = createEngine(engineOptions()).process(fixture('v2c-inform'), PEER, 0);
    assert.equal(o.kind, 'accepted');
    if (o.kind !== 'accepted') return;
    const ack = o.responses[0]!;
    assert.equal(peekMessage(ack)?.pduType, PDU.response);
    assert.ok(ack.length <= fixture('v2c-inform').length, 'the ack is no larger than the inform');
  });

  it('masks the community in the raw bytes kept on the event', () => {
    const o = createEngine(engineOptions()).process(fixture('v2c-trap'), PEER, 0);
    assert.equal(o.kind, 'accepted');
    if (o.kind !== 'accepted') return;
    assert.equal(o.raw.includes(Buffer.from('public')), false);
    assert.equal(o.raw.length, fixture('v2c-trap').length);
  });

  it('rejects by reason and never answers', () => {
    const cases: [string, Buffer, Parameters<typeof engineOptions>[0], string][] = [
      ['wrong community', fixture('v2c-trap'), { communityList: ['other'] }, 'community'],
      ['no communities configured', fixture('v1-trap'), { communityList: [] }, 'community'],
      ['v2c disabled', fixture('v2c-trap'), { versions: new Set(['v3'] as const) }, 'version'],
      ['v1 disabled', fixture('v1-trap'), { versions: new Set(['v2c', 'v3'] as const) }, 'version'],
      ['unknown user', fixture('v3-authpriv-sha-aes-trap'), { userList: [] }, 'user'],
      ['level below minimum', fixture('v3-authnopriv-sha256-trap'), { minLevel: 'authPriv' }, 'level'],
      ['source not allowed', fixture('v2c-inform'), { allowList: ['10.0.0.0/8'] }, 'source'],
      ['empty datagram', Buffer.alloc(0), {}, 'malformed'],
      ['get request', communityMessage({ community: 'public', pdu: PDU.get, varbinds: [['1.3.6.1.2.1.1.1.0', Buffer.from([5, 0])]] }), {}, 'pdu'],
      ['set request', communityMessage({ community: 'public', pdu: PDU.set, varbinds: [['1.3.6.1.2.1.1.5.0', octets('x')]] }), {}, 'pdu'],
      ['getbulk request', communityMessage({ community: 'public', pdu: PDU.getBulk, varbinds: [['1.3.6.1.2.1', Buffer.from([5, 0])]] }), {}, 'pdu'],
      ['v2 trap inside a v1 message', communityMessage({ version: 0, community: 'public', pdu: PDU.trapV2, varbinds: [] }), {}, 'pdu'],
    ];
    for (const [what, bytes, opts, want] of cases) {
      const o = createEngine(engineOptions(opts)).process(bytes, PEER, 0);
      assert.equal(reason(o), want, what);
    }
  });

  it('rejects a wrong v3 passphrase as auth', () => {
    const o = createEngine(engineOptions({
      userList: [{ name: 'authonly', engineIds: [], auth: { protocol: 'sha256', key: { reveal: () => 'wrongpass123' } as never } }],
    })).process(fixture('v3-authnopriv-sha256-trap'), PEER, 0);
    assert.equal(reason(o), 'auth');
  });

  it('binds a user entry to engine IDs: another engine is rejected', () => {
    const [noc] = engineOptions().users;
    const opts = { userList: [{ ...noc!, engineIds: ['80000000010203ff'] }] };
    assert.equal(reason(createEngine(engineOptions(opts)).process(fixture('v3-authpriv-sha-aes-trap'), PEER, 0)), 'engine');
    const ok = { userList: [{ ...noc!, engineIds: [FIXTURE_ENGINE] }] };
    assert.equal(reason(createEngine(engineOptions(ok)).process(fixture('v3-authpriv-sha-aes-trap'), PEER, 0)), 'accepted');
  });

  it('answers a v3 discovery request with one Report, and only from allowed sources', () => {
    const d = createEngine(engineOptions()).process(fixture('v3-discovery'), PEER, 0);
    assert.equal(d.kind, 'discovery');
    if (d.kind === 'discovery') assert.equal(peekMessage(d.responses[0]!)?.pduType, PDU.report);
    assert.equal(reason(createEngine(engineOptions({ allowList: ['10.0.0.0/8'] })).process(fixture('v3-discovery'), PEER, 0)), 'source');
    assert.equal(reason(createEngine(engineOptions({ discoveryAllowed: () => false })).process(fixture('v3-discovery'), PEER, 0)), 'pdu');
    assert.equal(reason(createEngine(engineOptions({ userList: [] })).process(fixture('v3-discovery'), PEER, 0)), 'user');
  });

  it('drops a v3 notification with an empty user name (net-snmp would pass it)', () => {
    // noAuthNoPriv v3 trap, user "", which net-snmp's authorizer accepts as an anonymous user.
    const usm = tlv(0x30, octets(Buffer.from(FIXTURE_ENGINE, 'hex')), int(1), int(100), octets(''), octets(''), octets(''));
    const pdu = tlv(PDU.trapV2, int(7), int(0), int(0), tlv(0x30, tlv(0x30, oid('1.3.6.1.6.3.1.1.4.1.0'), oid('1.3.6.1.6.3.1.1.5.1'))));
    const msg = tlv(0x30, int(3), tlv(0x30, int(9), int(65507), octets(Buffer.from([0])), int(3)), octets(usm), tlv(0x30, octets(''), octets(''), pdu));
    const snmp = createRequire(import.meta.url)('net-snmp');
    let handler: ((b: Buffer, r: object) => void) | undefined;
    const fakeDgram = { createSocket: () => ({ on: (ev: string, fn: never) => { if (ev === 'message') handler = fn; }, bind() {}, send() {}, close() {} }) };
    let passed: unknown;
    snmp.createReceiver({ port: 1, dgramModule: fakeDgram }, (err: unknown, data: unknown) => { if (!err) passed = data; });
    handler!(msg, { address: '127.0.0.1', port: 1, family: 'IPv4', size: msg.length });
    assert.ok(passed, 'net-snmp alone hands it to the callback');
    assert.equal(reason(createEngine(engineOptions()).process(msg, PEER, 0)), 'user');
  });

  it('survives the inform whose ack crashes net-snmp, sending nothing', () => {
    // A BIT STRING varbind decodes, but net-snmp cannot re-encode it for the ack: its
    // Receiver throws out of the socket's message handler (the process would end).
    const inform = v2cTrap('public', '1.3.6.1.6.3.1.1.5.1', [['1.3.6.1.4.1.9.1', tlv(0x03, Buffer.from([0, 0xff]))]], PDU.inform);
    const snmp = createRequire(import.meta.url)('net-snmp');
    let handler: ((b: Buffer, r: object) => void) | undefined;
    const fakeDgram = { createSocket: () => ({ on: (ev: string, fn: never) => { if (ev === 'message') handler = fn; }, bind() {}, send() {}, close() {} }) };
    snmp.createReceiver({ port: 1, dgramModule: fakeDgram, communities: [] }, () => {}).getAuthorizer().addCommunity('public');
    assert.throws(() => handler!(inform, { address: '127.0.0.1', port: 1, family: 'IPv4', size: inform.length }), 'net-snmp alone throws');
    const o = createEngine(engineOptions()).process(inform, PEER, 0);
    assert.equal(reason(o), 'malformed');
  });

  it('rejects every regression fixture', () => {
    const e = createEngine(engineOptions());
    const all = allFixtures(new URL('../../../fixtures/snmp/regressions', import.meta.url).pathname);
    assert.ok(all.size >= 2);
    for (const [name, bytes] of all) assert.equal(e.process(bytes, PEER, 0).kind, 'rejected', name);
  });
});
