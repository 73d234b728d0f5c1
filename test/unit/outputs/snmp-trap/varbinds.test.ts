/**
 * The pure parts of the SNMP output: EVENTGATE-MIB varbinds (text bounded and printable,
 * DateAndTime, notification types), relay conversion of decoded varbinds, and the
 * per-target delivery semantics with fake sessions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Notification } from '../../../../src/core/notification.js';
import { createLogger } from '../../../../src/observe/logger.js';
import { relayNotification, SNMP_TRAP_ADDRESS_0 } from '../../../../src/outputs/snmp-trap/relay.js';
import type { SendOutcome, SnmpTarget } from '../../../../src/outputs/snmp-trap/session.js';
import { createSnmpOutput } from '../../../../src/outputs/snmp-trap/trap-output.js';
import { dateAndTime, eventgateNotification, mibText, notificationOid, SMI } from '../../../../src/outputs/snmp-trap/varbinds.js';

const E = '1.3.6.1.4.1.99999';
const n = (over: Partial<Notification> = {}): Notification => ({
  id: '01N', createdAt: 0, kind: 'alert', channel: 'noc', routeIndex: 0, key: 'k', severity: 'warning', category: 'update', title: 'T', suppressed: 2,
  items: [{ eventId: '01E', receivedAt: Date.UTC(2026, 10, 22, 10, 15, 2, 345), host: 'h', message: 'line1\nline2\u001b', ruleId: 'r1', category: 'update', severity: 'warning', title: 'T', fields: { VirusName: 'v', Product: 'P' }, source: '192.0.2.7' }],
  ...over,
});

describe('EVENTGATE-MIB varbinds', () => {
  it('cuts text to the SIZE in octets at a character boundary, with no control bytes', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 600 }), fc.integer({ min: 4, max: 300 }), (s, max) => {
      const b = mibText(s, max);
      assert.ok(b.length <= max);
      assert.equal(Buffer.from(b.toString('utf8'), 'utf8').compare(b), 0, 'valid UTF-8');
      assert.ok(!/[\u0000-\u0008\u000a-\u001f\u007f]/.test(b.toString('utf8')));
    }), { numRuns: 2000 });
    assert.equal(mibText('ab\ncd', 64).toString(), 'ab\\x0acd');
    assert.equal(mibText('ééé', 5).toString(), 'é…');
  });

  it('encodes DateAndTime in UTC with direction and offset', () => {
    assert.deepEqual([...dateAndTime(Date.UTC(2026, 10, 22, 10, 15, 2, 345))], [0x07, 0xea, 11, 22, 10, 15, 2, 3, 0x2b, 0, 0]);
  });

  it('picks the notification type by category, recovery first, unknown categories as other', () => {
    assert.equal(notificationOid(E, { kind: 'alert', category: 'virus' }), `${E}.0.3`);
    assert.equal(notificationOid(E, { kind: 'recovery', category: 'virus' }), `${E}.0.7`);
    assert.equal(notificationOid(E, { kind: 'alert', category: 'dlp' }), `${E}.0.6`);
  });

  it('sends every object in OBJECTS order with the values of the first item', () => {
    const { trapOid, varbinds } = eventgateNotification(n(), E);
    assert.equal(trapOid, `${E}.0.2`);
    assert.deepEqual(varbinds.map((v) => v.oid), Array.from({ length: 18 }, (_, i) => `${E}.1.${i + 1}.0`));
    const at = (arc: number) => varbinds[arc - 1]!.value;
    assert.equal(at(4), 3, 'warning(3)');
    assert.equal(String(at(6)), '192.0.2.7');
    assert.equal(String(at(7)), 'P');
    assert.equal(String(at(9)), 'line1\\x0aline2\\x1b');
    assert.equal(at(11), 3, 'one item plus two suppressed');
    assert.equal(String(at(13)), 'v');
    assert.equal(String(at(14)), '', 'absent fields are empty strings');
    assert.equal(varbinds[10]!.type, SMI.Gauge32);
  });
});

describe('relay', () => {
  const trap = {
    version: 'v2c' as const, trapOid: '1.3.6.1.6.3.1.1.5.3', uptime: 4242,
    varbinds: [
      { oid: '1.3.6.1.2.1.2.2.1.1.3', type: 'Integer', value: '3' },
      { oid: '1.3.6.1.2.1.2.2.1.2.3', type: 'OctetString', value: 'eth0', encoding: 'text' as const },
      { oid: '1.3.6.1.4.1.9.1', type: 'OctetString', value: '00ff10', encoding: 'hex' as const },
      { oid: '1.3.6.1.4.1.9.2', type: 'Counter64', value: '18446744073709551615' },
      { oid: '1.3.6.1.4.1.9.3', type: 'OID', value: '1.3.6.1.4.1.9' },
    ],
  };

  it('rebuilds the varbinds unchanged and appends snmpTrapAddress.0 = the source', () => {
    const r = relayNotification(trap, '192.0.2.9');
    assert.ok(!('error' in r));
    assert.equal(r.trapOid, trap.trapOid);
    assert.equal(r.uptime, 4242);
    assert.deepEqual(r.varbinds.map((v) => [v.oid, v.type]), [...trap.varbinds.map((v) => [v.oid, ({ Integer: 2, OctetString: 4, Counter64: 70, OID: 6 } as Record<string, number>)[v.type]]), [SNMP_TRAP_ADDRESS_0, SMI.IpAddress]]);
    assert.equal(r.varbinds[0]!.value, 3);
    assert.deepEqual(r.varbinds[2]!.value, Buffer.from([0, 0xff, 0x10]));
    assert.deepEqual(r.varbinds[3]!.value, Buffer.from([0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    assert.equal(r.varbinds[5]!.value, '192.0.2.9');
  });

  it('keeps an existing snmpTrapAddress.0 and adds none for IPv6 sources', () => {
    const withAddr = { ...trap, varbinds: [{ oid: SNMP_TRAP_ADDRESS_0, type: 'IpAddress', value: '10.1.1.1' }] };
    const a = relayNotification(withAddr, '192.0.2.9');
    assert.ok(!('error' in a));
    assert.deepEqual(a.varbinds.map((v) => v.value), ['10.1.1.1']);
    const b = relayNotification(trap, '2001:db8::1');
    assert.ok(!('error' in b) && !b.varbinds.some((v) => v.oid === SNMP_TRAP_ADDRESS_0));
  });

  it('refuses values its type cannot encode', () => {
    const r = relayNotification({ ...trap, varbinds: [{ oid: '1.3', type: 'Integer', value: 'x' }] }, undefined);
    assert.ok('error' in r);
  });
});

describe('several targets', () => {
  const target = (host: string, inform: boolean): SnmpTarget => ({ host, port: 162, version: '2c', inform, timeoutMs: 1, retries: 0 });
  const timeout = Object.assign(new Error('Request timed out'), { name: 'RequestTimedOutError' });

  function output(results: Record<string, SendOutcome[]>) {
    const calls: string[] = [];
    const out = createSnmpOutput({ id: 'noc', targets: [target('a', false), target('b', true)], enterpriseOid: E, relay: false }, {
      log: createLogger({ level: 'silent' }),
      createSession: (t) => ({ async send() { calls.push(t.host); return results[t.host]!.shift()!; }, close() {} }),
    });
    return { out, calls };
  }
  const signal = () => new AbortController().signal;

  it('is sent only when every target took it; a retry skips the targets that did', async () => {
    const { out, calls } = output({ a: [{ ok: true }], b: [{ ok: false, error: timeout }, { ok: true }] });
    const first = await out.send(n(), signal());
    assert.equal(first.status, 'retry');
    assert.equal(first.status === 'retry' && first.error.code, 'ERR_TRAP_TIMEOUT');
    const second = await out.send(n(), signal());
    assert.equal(second.status, 'sent');
    assert.deepEqual(calls, ['a', 'b', 'b']);
  });

  it('a v3 user refused by the receiver is permanent once the others took it', async () => {
    const { out } = output({ a: [{ ok: true }], b: [{ ok: false, error: new Error('Unknown User Name') }] });
    const d = await out.send(n(), signal());
    assert.equal(d.status, 'failed');
    assert.equal(d.status === 'failed' && d.error.code, 'ERR_TRAP_AUTH');
    assert.match(d.status === 'failed' ? d.error.message : '', /^1 of 2 targets: a:162 v2c trap sent; b:162 v2c inform failed: ERR_TRAP_AUTH/);
  });
});
