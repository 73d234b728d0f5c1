/**
 * usm-crypto.ts and the v3 trap path against net-snmp itself: over v3 traps net-snmp encodes
 * for every authentication protocol, with and without each privacy protocol, random engine
 * IDs, passphrases and varbinds, both accept them with the same PDU, and the key, HMAC and
 * AES-128 steps agree with net-snmp's; over random edits of them, the engine accepts only
 * what net-snmp accepts. A datagram that fails the HMAC never reaches net-snmp, which would
 * hash a mebibyte and keep a key for each engine ID it names.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Secret } from '../../../../src/core/secret.js';
import { peekMessage } from '../../../../src/listeners/snmp/ber-peek.js';
import { createEngine, type DecodedPdu } from '../../../../src/listeners/snmp/engine.js';
import { createNetSnmpDecoder } from '../../../../src/listeners/snmp/net-snmp-decode.js';
import { decodeScopedTrapPdu } from '../../../../src/listeners/snmp/trap-decode.js';
import { createUsmCrypto } from '../../../../src/listeners/snmp/usm-crypto.js';
import { AUTH_PROTOCOLS, createUserTable, PRIV_PROTOCOLS, type UsmUser } from '../../../../src/listeners/snmp/usm.js';
import { mutation } from '../../../helpers/snmp-mutate.js';
import { engineOptions } from './engine-options.js';

const SEED = 20261123;
const PEER = { address: '127.0.0.1', port: 40000 };

interface NetSnmp {
  createV3Session(target: string, user: object, options: object): { trap(oid: string, varbinds: object[], cb: (err?: Error) => void): void; close(): void };
  SecurityLevel: Record<string, number>;
  AuthProtocols: Record<string, number>;
  PrivProtocols: Record<string, number>;
  ObjectType: Record<string, number>;
  Authentication: { authToKeyCache: Record<string, Buffer> };
}
const snmp = createRequire(import.meta.url)('net-snmp') as NetSnmp;

interface Sample {
  readonly user: UsmUser;
  readonly engineId: string;
  readonly varbinds: readonly { oid: string; type: 'Integer' | 'OctetString'; value: number | string }[];
}

/** The datagram net-snmp's session sends for one v3 trap (a socket that only records). */
function encodeV3Trap(s: Sample): Buffer {
  const sent: Buffer[] = [];
  const socket = {
    on: () => socket, unref() {}, ref() {}, bind() {}, close() {},
    send(buf: Buffer, offset: number, length: number, _port: number, _address: string, cb?: (err?: Error) => void) {
      sent.push(Buffer.from(buf.subarray(offset, offset + length)));
      cb?.();
    },
  };
  const u = s.user;
  const session = snmp.createV3Session('127.0.0.1', {
    name: u.name, level: snmp.SecurityLevel[u.priv ? 'authPriv' : u.auth ? 'authNoPriv' : 'noAuthNoPriv'],
    ...(u.auth ? { authProtocol: snmp.AuthProtocols[u.auth.protocol], authKey: u.auth.key.reveal() } : {}),
    ...(u.priv ? { privProtocol: snmp.PrivProtocols[u.priv.protocol], privKey: u.priv.key.reveal() } : {}),
  }, { engineID: s.engineId, dgramModule: { createSocket: () => socket } });
  session.trap('1.3.6.1.4.1.8072.2.3.0.1', s.varbinds.map((v) => ({ oid: v.oid, type: snmp.ObjectType[v.type], value: v.value })), () => {});
  session.close();
  assert.equal(sent.length, 1);
  return sent[0]!;
}

const passphrase = fc.string({ minLength: 8, maxLength: 24 });
// DES needs OpenSSL's legacy provider, which Node does not load: net-snmp cannot encode it.
const privProtocols = PRIV_PROTOCOLS.filter((p) => p !== 'des');
const user = fc.record({
  auth: fc.option(fc.record({ protocol: fc.constantFrom(...AUTH_PROTOCOLS), key: passphrase }), { nil: undefined, freq: 6 }),
  priv: fc.option(fc.record({ protocol: fc.constantFrom(...privProtocols), key: passphrase }), { nil: undefined, freq: 3 }),
}).map(({ auth, priv }): UsmUser => ({
  name: 'noc', engineIds: [],
  ...(auth ? { auth: { protocol: auth.protocol, key: new Secret(auth.key, 'test') } } : {}),
  ...(auth && priv ? { priv: { protocol: priv.protocol, key: new Secret(priv.key, 'test') } } : {}),
}));
const sample = fc.record({
  user,
  engineId: fc.uint8Array({ minLength: 5, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')),
  varbinds: fc.array(fc.oneof(
    fc.record({ oid: fc.constant('1.3.6.1.4.1.8072.2.3.2.1'), type: fc.constant('OctetString' as const), value: fc.string({ maxLength: 200 }) }),
    fc.record({ oid: fc.constant('1.3.6.1.2.1.2.2.1.1.3'), type: fc.constant('Integer' as const), value: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }),
  ), { maxLength: 6 }),
});

const fields = (p: DecodedPdu) => ({ type: p.type, varbinds: p.varbinds });
const reference = createNetSnmpDecoder();

/** net-snmp's verdict on a datagram sent by `user`. */
function viaNetSnmp(bytes: Buffer, u: UsmUser): DecodedPdu | undefined {
  const r = reference.decode(bytes, PEER, { user: u });
  return r.error === undefined ? r.pdu : undefined;
}

const engineFor = (u: UsmUser) => createEngine(engineOptions({ userList: [u], findUser: createUserTable([u]) }));

describe('v3 traps: the USM steps done here match net-snmp', () => {
  it('every protocol: same HMAC verdict, same decrypted PDU, same accepted trap (400 runs)', () => {
    const usm = createUsmCrypto();
    let fast = 0;
    fc.assert(fc.property(sample, (s) => {
      const bytes = encodeV3Trap(s);
      const h = peekMessage(bytes)!.usm!;
      const ref = viaNetSnmp(bytes, s.user);
      assert.ok(ref, 'net-snmp accepts what it encoded');
      if (s.user.auth) assert.equal(usm.authentic(bytes, h, s.user), true);
      const plain = s.user.priv ? usm.decrypt(bytes, h, s.user) : bytes;
      if (s.user.priv?.protocol === 'aes' || !s.user.priv) {
        const own = decodeScopedTrapPdu(plain!, s.user.priv ? 0 : h.scopedAt);
        assert.ok(own, 'decoded here');
        assert.deepEqual(fields(own), fields(ref));
        fast++;
      } else {
        assert.equal(plain, undefined, `${s.user.priv.protocol} is left to net-snmp`);
      }
      const o = engineFor(s.user).process(bytes, PEER, 0);
      assert.equal(o.kind, 'accepted');
      if (o.kind === 'accepted') assert.deepEqual(fields(o.pdu), fields(ref));
    }), { numRuns: 400, seed: SEED });
    assert.ok(fast > 150, `decoded here: ${fast} of 400`);
  });

  it('a wrong passphrase or engine fails the HMAC; a wrong privacy key is rejected as auth', () => {
    const s = { user: { name: 'noc', engineIds: [], auth: { protocol: 'sha' as const, key: new Secret('authpass123', 'test') }, priv: { protocol: 'aes' as const, key: new Secret('privpass123', 'test') } }, engineId: '80001f8880aabbccdd', varbinds: [] };
    const bytes = encodeV3Trap(s);
    const h = peekMessage(bytes)!.usm!;
    const usm = createUsmCrypto();
    assert.equal(usm.authentic(bytes, h, { ...s.user, auth: { protocol: 'sha', key: new Secret('authpass124', 'test') } }), false);
    assert.equal(usm.authentic(bytes, h, { ...s.user, auth: { protocol: 'md5', key: s.user.auth.key } }), false);
    assert.equal(usm.authentic(bytes, { ...h, engineId: Buffer.from('80001f8880aabbccde', 'hex') }, s.user), false);
    const wrongPriv = { ...s.user, priv: { protocol: 'aes' as const, key: new Secret('privpass124', 'test') } };
    assert.equal(viaNetSnmp(bytes, wrongPriv), undefined);
    assert.deepEqual(engineFor(wrongPriv).process(bytes, PEER, 0), { kind: 'rejected', reason: 'auth', version: 'v3' });
  });

  it('over random edits, the engine accepts only what net-snmp accepts, with its PDU (3,000 runs)', () => {
    const seeds = fc.sample(sample.filter((s) => s.user.auth !== undefined), { numRuns: 12, seed: SEED }).map((s) => ({ s, bytes: encodeV3Trap(s) }));
    let accepted = 0;
    fc.assert(fc.property(fc.nat({ max: seeds.length - 1 }).chain((i) => fc.tuple(fc.constant(seeds[i]!), mutation([seeds[i]!.bytes]))), ([{ s }, bytes]) => {
      const o = engineFor(s.user).process(bytes, PEER, 0);
      if (o.kind !== 'accepted') return;
      accepted++;
      const ref = viaNetSnmp(bytes, s.user);
      assert.ok(ref, `net-snmp rejects what the engine accepted: ${bytes.toString('hex')}`);
      assert.deepEqual(fields(o.pdu), fields(ref));
    }), { numRuns: 3_000, seed: SEED });
    // Only an edit that leaves the bytes as they were (a length set to its own value) passes.
    assert.ok(accepted > 0, 'the accepting branch ran');
  });

  it('datagrams failing the HMAC never reach net-snmp: no key is derived for the engines they name', () => {
    const u: UsmUser = { name: 'noc', engineIds: [], auth: { protocol: 'sha', key: new Secret('authpass123', 'test') }, priv: { protocol: 'aes', key: new Secret('privpass123', 'test') } };
    const engine = engineFor(u);
    // Encoded first: the sending session keeps its keys in the same module-wide cache.
    const forged = Array.from({ length: 50 }, (_, i) =>
      encodeV3Trap({ user: { ...u, auth: { protocol: 'sha', key: new Secret(`forged-${i}-pass`, 'test') } }, engineId: `80001f88800000${i.toString(16).padStart(4, '0')}`, varbinds: [] }));
    const keys = () => Object.keys(snmp.Authentication.authToKeyCache).length;
    const before = keys();
    for (const bytes of forged) assert.deepEqual(engine.process(bytes, PEER, 0), { kind: 'rejected', reason: 'auth', version: 'v3' });
    assert.equal(keys(), before);
    // The same datagrams given to net-snmp: a key per engine named (what the engine spares).
    for (const bytes of forged.slice(0, 5)) assert.equal(viaNetSnmp(bytes, u), undefined);
    assert.equal(keys(), before + 5);
  });
});
