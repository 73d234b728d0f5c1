/**
 * SNMP traps and informs from Debian's snmptrap/snmpinform to `eventgate run` (a child
 * process): v1, v2c, v2c inform (acked: exit 0), v3 authNoPriv SHA-256 and authPriv
 * SHA/AES traps and informs. Each event carries the right OIDs, MIB names and values and is
 * classified (category other, a readable message).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGatewayProcess, type RunningGateway } from '../helpers/gateway-process.js';
import { INFORM_ONCE, snmpTool, v3 } from '../helpers/snmp-tools.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

type Trap = { version: string; pdu: string; trapOid: string; trapName?: string; security: Record<string, string>; v1?: Record<string, unknown>; varbinds: { oid: string; name?: string; type: string; value: string }[] };

describe('SNMP traps from snmptrap and snmpinform', () => {
  const cleanups: (() => void)[] = [];
  let gw: RunningGateway;
  let target: string;
  const SHA_AES = (user: string) => v3(user, 'authPriv', ['SHA', 'canary-auth-1'], ['AES', 'canary-priv-1']);

  before(async () => {
    const dir = tempDir({ after: (fn: () => void) => cleanups.push(fn) });
    gw = await startGatewayProcess(dir, `
listeners:
  snmp:
    - id: traps
      address: 127.0.0.1
      port: 0
      communities: [{ env: SNMP_COMMUNITY }]
      users:
        - { name: noc, auth: { protocol: sha, key: { env: AUTH } }, priv: { protocol: aes, key: { env: PRIV } } }
        - { name: watcher, auth: { protocol: sha256, key: { env: AUTH } } }
channels:
  console: { type: log, format: json }
routes:
  - match: { category: other }
    channels: [console]
log: { level: debug }
`, { SNMP_COMMUNITY: 'canary-community', AUTH: 'canary-auth-1', PRIV: 'canary-priv-1' });
    target = `udp:127.0.0.1:${gw.port('traps')}`;
  });

  after(async () => {
    const code = await gw.stop('SIGTERM');
    for (const c of cleanups) c();
    assert.equal(code, 0, 'SIGTERM exits 0');
  });

  const trapWith = (marker: string) => waitFor(() => {
    const r = gw.records().find((x) => x.msg === 'trap accepted' && JSON.stringify(x).includes(marker));
    return r ? ((r.event as { trap: Trap }).trap) : undefined;
  }, `the trap carrying ${marker}`, 10_000);
  const notified = (marker: string) => gw.waitForLine((l) => l.startsWith('{"notification"') && l.includes(marker), `a notification with ${marker}`, 10_000);

  it('v1 trap: converted per RFC 3584, enterprise and agent kept', async () => {
    const r = await snmpTool('snmptrap', ['-v', '1', '-c', 'canary-community', target, '1.3.6.1.4.1.6101', '10.9.8.7', '6', '42', '77', '1.3.6.1.4.1.6101.1.1', 's', 'v1-marker']);
    assert.equal(r.code, 0, r.stderr);
    const t = await trapWith('v1-marker');
    assert.equal(t.version, 'v1');
    assert.equal(t.trapOid, '1.3.6.1.4.1.6101.0.42');
    assert.deepEqual(t.v1, { enterprise: '1.3.6.1.4.1.6101', enterpriseName: 'SNMPv2-SMI::enterprises.6101', agentAddress: '10.9.8.7', genericTrap: 6, specificTrap: 42 });
    assert.deepEqual(t.security, { model: 'community', community: 'communities[0]' });
    const line = JSON.parse(await notified('v1-marker'));
    assert.equal(line.category, 'other');
    assert.equal(line.items[0].host, '10.9.8.7');
  });

  it('v2c trap: IF-MIB names, typed values', async () => {
    const r = await snmpTool('snmptrap', ['-v', '2c', '-c', 'canary-community', target, '', '1.3.6.1.6.3.1.1.5.3',
      '1.3.6.1.2.1.2.2.1.1.5', 'i', '5', '1.3.6.1.2.1.2.2.1.2.5', 's', 'v2c-marker', '1.3.6.1.2.1.2.2.1.4.5', 'u', '1500', '1.3.6.1.2.1.4.20.1.1.10.0.0.5', 'a', '10.0.0.5']);
    assert.equal(r.code, 0, r.stderr);
    const t = await trapWith('v2c-marker');
    assert.equal(t.trapName, 'IF-MIB::linkDown');
    assert.deepEqual(t.varbinds.map((v) => [v.name?.replace(/^RFC\d+-MIB::/, 'MIB-II::'), v.type, v.value]), [
      ['IF-MIB::ifIndex.5', 'Integer', '5'],
      ['IF-MIB::ifDescr.5', 'OctetString', 'v2c-marker'],
      ['IF-MIB::ifMtu.5', 'Gauge32', '1500'],
      ['MIB-II::ipAdEntAddr.10.0.0.5', 'IpAddress', '10.0.0.5'],
    ]);
    const line = JSON.parse(await notified('v2c-marker'));
    assert.match(line.items[0].message, /^IF-MIB::linkDown IF-MIB::ifIndex\.5=5 IF-MIB::ifDescr\.5="v2c-marker"/);
  });

  it('v2c inform is acknowledged (snmpinform exits 0)', async () => {
    const r = await snmpTool('snmpinform', [...INFORM_ONCE, '-v', '2c', '-c', 'canary-community', target, '', '1.3.6.1.6.3.1.1.5.4', '1.3.6.1.2.1.2.2.1.2.1', 's', 'inform-marker']);
    assert.equal(r.code, 0, `snmpinform: ${r.stderr}`);
    const t = await trapWith('inform-marker');
    assert.deepEqual([t.pdu, t.trapName], ['inform', 'IF-MIB::linkUp']);
  });

  for (const [what, user, opts] of [
    ['authNoPriv SHA-256', 'watcher', v3('watcher', 'authNoPriv', ['SHA-256', 'canary-auth-1'])],
    ['authPriv SHA/AES', 'noc', SHA_AES('noc')],
  ] as const) {
    it(`v3 ${what}: trap and inform`, async () => {
      const marker = `v3-${what.replace(/\W/g, '')}`;
      const trap = await snmpTool('snmptrap', [...opts, '-e', '0x80001f8880aabbccdd', target, '', '1.3.6.1.6.3.1.1.5.3', '1.3.6.1.2.1.2.2.1.2.2', 's', `${marker}-trap`]);
      assert.equal(trap.code, 0, trap.stderr);
      const t = await trapWith(`${marker}-trap`);
      assert.equal(t.version, 'v3');
      assert.equal(t.security.user, user);
      assert.equal(t.security.engineId, '80001f8880aabbccdd');
      const inform = await snmpTool('snmpinform', [...INFORM_ONCE, ...opts, target, '', '1.3.6.1.6.3.1.1.5.4', '1.3.6.1.2.1.2.2.1.2.2', 's', `${marker}-inform`]);
      assert.equal(inform.code, 0, `snmpinform: ${inform.stderr}`);
      assert.equal((await trapWith(`${marker}-inform`)).pdu, 'inform');
    });
  }

  it('never prints a community or key', async () => {
    await trapWith('inform-marker');
    const all = gw.lines.join('\n') + gw.stderr.join('\n');
    for (const canary of ['canary-community', 'canary-auth-1', 'canary-priv-1']) {
      for (const form of [canary, Buffer.from(canary).toString('hex'), Buffer.from(canary).toString('base64')]) assert.equal(all.includes(form), false, form);
    }
  });
});
