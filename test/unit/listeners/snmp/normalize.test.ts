/**
 * Normalization of decoded notifications: RFC 3584 v1 conversion, value rendering, MIB
 * names, host order, bounds (B9: 10,000 varbinds, 128-arc OIDs, arcs above 2^32).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEngine } from '../../../../src/listeners/snmp/engine.js';
import { MAX_VARBINDS, normalizeTrap, v1TrapOid, type HostSource } from '../../../../src/listeners/snmp/normalize.js';
import { loadMibs } from '../../../../src/mib/load.js';
import { communityMessage, fixture, int, ip, octets, oid, timeticks, v1Trap, v2cTrap } from '../../../helpers/snmp-packets.js';
import { engineOptions } from './engine-options.js';

const mibs = loadMibs([]).index;
const PEER = { address: '192.0.2.50', port: 40000 };
const HOSTS: HostSource[] = ['trap_address', 'agent_address', 'source'];

function decode(bytes: Buffer, hostFrom = HOSTS) {
  const o = createEngine(engineOptions()).process(bytes, PEER, 0);
  assert.equal(o.kind, 'accepted', o.kind === 'rejected' ? o.reason : o.kind);
  if (o.kind !== 'accepted') throw new Error('not accepted');
  return normalizeTrap(o.pdu, { version: o.version, security: o.security, mibs, hostFrom, peerAddress: PEER.address });
}

describe('trap normalization', () => {
  it('converts v1 trap OIDs per RFC 3584 section 3.1', () => {
    const table: [number, number, string][] = [
      [0, 0, '1.3.6.1.6.3.1.1.5.1'], [2, 0, '1.3.6.1.6.3.1.1.5.3'], [5, 9, '1.3.6.1.6.3.1.1.5.6'], [6, 17, '1.3.6.1.4.1.6101.0.17'],
    ];
    for (const [g, s, want] of table) assert.equal(v1TrapOid('1.3.6.1.4.1.6101', g, s), want);
  });

  it('decodes the captured v1 trap: enterprise, agent, generic/specific, appended varbinds', () => {
    const n = decode(fixture('v1-trap'));
    assert.equal(n.trap.trapOid, '1.3.6.1.4.1.6101.0.17');
    assert.deepEqual(n.trap.v1, { enterprise: '1.3.6.1.4.1.6101', enterpriseName: 'SNMPv2-SMI::enterprises.6101', agentAddress: '10.1.2.3', genericTrap: 6, specificTrap: 17 });
    assert.equal(n.trap.uptime, 1234);
    assert.deepEqual(n.trap.security, { model: 'community', community: 'communities[0]' });
    const byOid = new Map(n.trap.varbinds.map((v) => [v.oid, v]));
    assert.deepEqual(byOid.get('1.3.6.1.4.1.6101.1.1'), { oid: '1.3.6.1.4.1.6101.1.1', name: 'SNMPv2-SMI::enterprises.6101.1.1', type: 'OctetString', value: 'Virus found: EICAR', encoding: 'text' });
    assert.equal(byOid.get('1.3.6.1.4.1.6101.1.2')?.value, '192.0.2.7');
    assert.equal(byOid.get('1.3.6.1.6.3.18.1.3.0')?.value, '10.1.2.3', 'snmpTrapAddress.0 appended');
    assert.equal(byOid.get('1.3.6.1.6.3.1.1.4.3.0')?.valueName, 'SNMPv2-SMI::enterprises.6101', 'snmpTrapEnterprise.0 appended');
    assert.equal(n.host, '10.1.2.3', 'the agent address');
  });

  it('decodes the captured v2c trap: names, Counter64, hex, trap address as host', () => {
    const n = decode(fixture('v2c-trap'));
    assert.equal(n.trap.trapName, 'IF-MIB::linkDown');
    const v = n.trap.varbinds;
    assert.deepEqual(v.map((x) => x.name), ['IF-MIB::ifIndex.3', 'IF-MIB::ifDescr.3', 'IF-MIB::ifHCInOctets.3', 'IF-MIB::ifPhysAddress.3', 'SNMPv2-SMI::snmpModules.18.1.3.0']);
    assert.equal(v[2]!.type, 'Counter64');
    assert.equal(v[2]!.value, '18446744073709551615');
    assert.deepEqual([v[3]!.value, v[3]!.encoding], ['001122334455', 'hex']);
    assert.equal(n.host, '198.51.100.9');
    assert.equal(decode(fixture('v2c-trap'), ['source']).host, PEER.address, 'host order is configurable');
    assert.match(n.message, /^IF-MIB::linkDown IF-MIB::ifIndex\.3=3 IF-MIB::ifDescr\.3="eth0" /);
  });

  it('keeps control characters out of the message', () => {
    const n = decode(v2cTrap('public', '1.3.6.1.4.1.9.9.1', [['1.3.6.1.4.1.9.9.2', octets('a\u2028b\u001b[31m')]]));
    assert.equal(/[\u0000-\u001f\u2028]/.test(n.message), false);
  });

  it('B9: 10,000 varbinds decode, bounded to MAX_VARBINDS with a count of the rest', () => {
    const vbs = Array.from({ length: 10_000 }, (_, i) => [`1.3.6.1.4.1.1.${i}`, int(i)] as const);
    const n = decode(v2cTrap('public', '1.3.6.1.4.1.1.0.1', vbs));
    assert.equal(n.trap.varbinds.length, MAX_VARBINDS);
    assert.equal(n.trap.varbindsOmitted, 10_000 - MAX_VARBINDS);
    assert.ok(n.message.length <= 8192);
  });

  it('B9: a 128-arc OID and arcs above 2^32 never throw', () => {
    const long = ['1.3', ...Array.from({ length: 126 }, (_, i) => String(i + 1))].join('.');
    const huge = `1.3.6.1.4.1.${2n ** 40n}.${2n ** 64n}`;
    for (const trapOid of [long, huge]) {
      const o = createEngine(engineOptions()).process(v2cTrap('public', trapOid, [[trapOid, oid(huge)]]), PEER, 0);
      if (o.kind === 'accepted') {
        const n = normalizeTrap(o.pdu, { version: o.version, security: o.security, mibs, hostFrom: HOSTS, peerAddress: PEER.address });
        assert.ok(n.trap.trapOid.length > 0);
      } else {
        assert.deepEqual([o.kind, o.kind === 'rejected' && o.reason], ['rejected', 'malformed']);
      }
    }
  });

  it('a v2c trap without snmpTrapOID.0 still becomes an event', () => {
    const n = decode(communityMessage({ community: 'public', pdu: 0xa7, varbinds: [['1.3.6.1.2.1.1.3.0', timeticks(5)], ['1.3.6.1.4.1.9.1', ip('10.0.0.1')]] }));
    assert.equal(n.trap.trapOid, '');
    assert.match(n.message, /^\(no snmpTrapOID\)/);
  });

  it('decodes v1 generic traps (coldStart) to their SNMPv2 names', () => {
    const n = decode(v1Trap({ community: 'public', enterprise: '1.3.6.1.4.1.8072', agent: '0.0.0.0', generic: 0, specific: 0 }));
    assert.equal(n.trap.trapName, 'SNMPv2-MIB::coldStart');
    assert.equal(n.host, PEER.address, 'agent 0.0.0.0 is skipped');
  });
});
