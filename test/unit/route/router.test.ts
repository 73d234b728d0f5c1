/**
 * The policy engine's copy of the original trap (NotificationItem.trap), taken from what the SNMP
 * listener really produces and fed to relay.ts: typed values round-trip to the bytes that
 * were received; a trap not kept whole (varbinds left out, a value cut) is counted or
 * flagged and relay refuses it instead of forwarding it changed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { route as routeSchema } from '../../../src/config/schema/routes.js';
import type { Classification } from '../../../src/core/classification.js';
import type { GatewayEvent } from '../../../src/core/event.js';
import { MAX_RELAY_VARBINDS } from '../../../src/core/notification.js';
import { createEngine } from '../../../src/listeners/snmp/engine.js';
import { MAX_VALUE_CHARS, MAX_VARBINDS, normalizeTrap } from '../../../src/listeners/snmp/normalize.js';
import { loadMibs } from '../../../src/mib/load.js';
import { relayNotification } from '../../../src/outputs/snmp-trap/relay.js';
import { SMI } from '../../../src/outputs/snmp-trap/varbinds.js';
import { BUILTIN_KEYWORDS } from '../../../src/core/template.js';
import { createAllowList } from '../../../src/core/cidr.js';
import { createPolicyEngine } from '../../../src/route/engine.js';
import { compileRoutes } from '../../../src/route/policy.js';
import { trapCopy } from '../../../src/route/trap-copy.js';
import { int, ip, octets, oid, timeticks, v2cTrap, type Varbind } from '../../helpers/snmp-packets.js';
import { engineOptions } from '../listeners/snmp/engine-options.js';

const mibs = loadMibs([]).index;
const PEER = { address: '192.0.2.50', port: 40000 };

/** A v2c trap as the listener turns it into TrapParts. */
function received(varbinds: readonly Varbind[], trapOid = '1.3.6.1.6.3.1.1.5.3') {
  const o = createEngine(engineOptions()).process(v2cTrap('public', trapOid, varbinds), PEER, 0);
  if (o.kind !== 'accepted') throw new Error(`not accepted: ${o.kind}`);
  return normalizeTrap(o.pdu, { version: o.version, security: o.security, mibs, hostFrom: ['source'], peerAddress: PEER.address }).trap;
}

describe('the trap copy in a notification', () => {
  it('keeps type, value, encoding and uptime, drops MIB names, and relays to the values received', () => {
    const binary = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff]);
    const t = received([
      ['1.3.6.1.2.1.2.2.1.1.3', int(-42)],
      ['1.3.6.1.2.1.2.2.1.2.3', octets('eth0 ünïcode')],
      ['1.3.6.1.4.1.9.1', octets(binary)],
      ['1.3.6.1.4.1.9.2', oid('1.3.6.1.2.1.2.2.1.1')],
      ['1.3.6.1.4.1.9.3', ip('10.20.30.40')],
      ['1.3.6.1.4.1.9.4', int(4294967295, 0x41)],
      ['1.3.6.1.4.1.9.5', timeticks(8640000)],
    ]);
    const copy = trapCopy(t);
    assert.equal(copy.uptime, 100);
    assert.equal(copy.trapOid, '1.3.6.1.6.3.1.1.5.3');
    assert.equal(copy.omitted, undefined);
    assert.deepEqual(copy.varbinds, [
      { oid: '1.3.6.1.2.1.2.2.1.1.3', type: 'Integer', value: '-42' },
      { oid: '1.3.6.1.2.1.2.2.1.2.3', type: 'OctetString', value: 'eth0 ünïcode', encoding: 'text' },
      { oid: '1.3.6.1.4.1.9.1', type: 'OctetString', value: 'deadbeef00ff', encoding: 'hex' },
      { oid: '1.3.6.1.4.1.9.2', type: 'OID', value: '1.3.6.1.2.1.2.2.1.1' },
      { oid: '1.3.6.1.4.1.9.3', type: 'IpAddress', value: '10.20.30.40' },
      { oid: '1.3.6.1.4.1.9.4', type: 'Counter32', value: '4294967295' },
      { oid: '1.3.6.1.4.1.9.5', type: 'TimeTicks', value: '8640000' },
    ]);
    const r = relayNotification(copy, PEER.address);
    assert.ok(!('error' in r), 'error' in r ? r.error : '');
    assert.equal(r.uptime, 100);
    assert.deepEqual(r.varbinds.map((v) => [v.type, v.value]), [
      [SMI.Integer, -42],
      [SMI.OctetString, Buffer.from('eth0 ünïcode', 'utf8')],
      [SMI.OctetString, binary],
      [SMI.OID, '1.3.6.1.2.1.2.2.1.1'],
      [SMI.IpAddress, '10.20.30.40'],
      [SMI.Counter32, 4294967295],
      [SMI.TimeTicks, 8640000],
      [SMI.IpAddress, PEER.address],
    ]);
  });

  it('holds as many varbinds as the listener keeps, so a trap it kept whole is copied whole', () => {
    assert.equal(MAX_RELAY_VARBINDS, MAX_VARBINDS);
  });

  it('counts the varbinds the listener left out, and relay refuses such a trap', () => {
    const t = received(Array.from({ length: MAX_VARBINDS + 5 }, (_, i) => [`1.3.6.1.4.1.1.${i}`, int(i)] as const));
    const copy = trapCopy(t);
    assert.equal(copy.varbinds.length, MAX_VARBINDS);
    assert.equal(copy.omitted, 5);
    const r = relayNotification(copy, PEER.address);
    assert.deepEqual(r, { error: '5 of its varbinds were left out when it was received' });
  });

  it('flags a value the listener cut, and relay refuses it rather than forward it changed', () => {
    for (const value of ['x'.repeat(MAX_VALUE_CHARS + 1), Buffer.alloc(MAX_VALUE_CHARS / 2 + 1, 0xff)]) {
      const t = received([['1.3.6.1.4.1.9.1', octets('short')], ['1.3.6.1.4.1.9.2', octets(value)]]);
      const copy = trapCopy(t);
      assert.deepEqual(copy.varbinds.map((v) => v.truncated), [undefined, true]);
      assert.deepEqual(relayNotification(copy, PEER.address), { error: 'the value of 1.3.6.1.4.1.9.2 was cut when it was received' });
    }
    const whole = trapCopy(received([['1.3.6.1.4.1.9.2', octets('x'.repeat(MAX_VALUE_CHARS))]]));
    assert.equal(whole.varbinds[0]!.truncated, undefined, 'a value exactly at the bound is whole');
  });

  it('the policy engine puts the copy on trap events only', () => {
    const compiled = compileRoutes([routeSchema.parse({ match: {}, channels: ['noc'] })], { channels: new Map(), keywords: new Set(BUILTIN_KEYWORDS), cidr: createAllowList });
    const engine = createPolicyEngine(compiled.policy, { newId: () => 'n1' });
    const router = (c: Parameters<typeof engine.process>[0]) => engine.process(c, 1).notifications;
    const classification: Classification = { ruleId: null, category: 'other', severity: 'info', title: 't', state: 'event', key: 'k', fields: {} };
    const base = { id: 'e1', receivedAt: 0, listener: 'l', peer: { ...PEER, transport: 'udp' }, host: 'h', message: 'm', raw: new Uint8Array() } as const;
    const trapEvent: GatewayEvent = { ...base, kind: 'trap', trap: received([['1.3.6.1.4.1.9.1', int(1)]]) };
    const syslogEvent: GatewayEvent = { ...base, kind: 'syslog' };
    const [withTrap] = router({ event: trapEvent, classification });
    assert.deepEqual(withTrap!.items[0]!.trap, trapCopy(trapEvent.trap!));
    assert.equal(withTrap!.items[0]!.source, PEER.address);
    assert.equal(router({ event: syslogEvent, classification })[0]!.items[0]!.trap, undefined);
  });
});
