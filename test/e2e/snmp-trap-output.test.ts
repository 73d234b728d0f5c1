/**
 * SNMP output end to end (TEST-PLAN B10): `eventgate run` gets a syslog line from util-linux
 * `logger` and sends its notification to a private Debian snmptrapd as a v2c trap, a v2c
 * inform, a v3 authPriv (SHA-256/AES) inform and a v3 authPriv trap. snmptrapd, loading
 * EVENTGATE-MIB, must print every varbind by its symbolic name with the expected values.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { ROOT, runCli, startGatewayProcess, type RunningGateway } from '../helpers/gateway-process.js';
import { freeUdpPort, startSnmptrapd, TRAP_ENGINE_ID, V3_USER, type Snmptrapd } from '../helpers/snmptrapd.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const ENV = { EG_COMMUNITY: 'public', EG_V3_AUTH: V3_USER.auth, EG_V3_PRIV: V3_USER.priv };

describe('syslog in, SNMP notifications out to snmptrapd', () => {
  const cleanups: (() => void)[] = [];
  const ctx = { after: (fn: () => void) => cleanups.push(fn) };
  let gw: RunningGateway;
  let trapd: Snmptrapd;

  before(async () => {
    const dir = tempDir(ctx);
    trapd = await startSnmptrapd(dir, await freeUdpPort());
    const p = trapd.port;
    const v3 = `user: { name: ${V3_USER.name}, level: authPriv, auth: { protocol: sha256, key: { env: EG_V3_AUTH } }, priv: { protocol: aes, key: { env: EG_V3_PRIV } } }`;
    gw = await startGatewayProcess(dir, `
listeners:
  syslog:
    - { id: udp, protocol: udp, address: 127.0.0.1, port: 0 }
rules: ["${ROOT}/config/rules/*.yaml"]
channels:
  noc:
    type: snmp
    targets:
      - { host: 127.0.0.1, port: ${p}, version: 2c, community: { env: EG_COMMUNITY } }
      - { host: 127.0.0.1, port: ${p}, version: 2c, community: { env: EG_COMMUNITY }, inform: true, timeout: 2s, retries: 2 }
      - { host: 127.0.0.1, port: ${p}, version: 3, inform: true, timeout: 2s, retries: 2, ${v3} }
      - { host: 127.0.0.1, port: ${p}, version: 3, engine_id: "${TRAP_ENGINE_ID}", ${v3} }
routes:
  - match: { category: virus }
    channels: [noc]
log: { level: debug }
`, { EG_COMMUNITY: 'public', EG_V3_AUTH: V3_USER.auth, EG_V3_PRIV: V3_USER.priv });
  });

  after(async () => {
    const code = await gw?.stop('SIGTERM');
    await trapd?.stop();
    for (const c of cleanups) c();
    assert.equal(code, 0);
  });

  it('delivers one notification to every target, each decoded by name with its values', async () => {
    execFileSync('logger', ['-n', '127.0.0.1', '-P', String(gw.port('udp')), '-d', '--rfc3164', '-t', 'avscan',
      'Virus found: EICAR-Test-File in /srv/share/eicar.com on PC-0042']);
    const delivered = await waitFor(() => gw.records().find((r) => r.msg === 'notification delivered' && r.channel === 'noc'), 'the delivery', 20_000);
    assert.match(String(delivered.detail), /^4 of 4 targets: 127\.0\.0\.1:\d+ v2c trap sent; 127\.0\.0\.1:\d+ v2c inform acked; 127\.0\.0\.1:\d+ v3 inform acked; 127\.0\.0\.1:\d+ v3 trap sent$/);
    const id = String(delivered.notification);
    const entries = await waitFor(() => {
      const e = trapd.entries().filter((x) => x.includes(id));
      return e.length >= 4 && e;
    }, 'four notifications in the snmptrapd log', 10_000);
    assert.equal(entries.length, 4, 'each target got it exactly once');
    for (const e of entries) {
      assert.match(e, /SNMPv2-MIB::snmpTrapOID\.0 = OID: EVENTGATE-MIB::egVirusEvent/);
      assert.match(e, new RegExp(`EVENTGATE-MIB::egNotificationId\\.0 = STRING: ${id}`));
      assert.match(e, /EVENTGATE-MIB::egEventId\.0 = STRING: [0-9A-Z]{26}/);
      assert.match(e, /EVENTGATE-MIB::egCategory\.0 = STRING: virus/);
      assert.match(e, /EVENTGATE-MIB::egSeverity\.0 = INTEGER: critical\(5\)/);
      assert.match(e, /EVENTGATE-MIB::egHost\.0 = STRING: \S+/);
      assert.match(e, /EVENTGATE-MIB::egSourceAddress\.0 = STRING: 127\.0\.0\.1/);
      assert.match(e, /EVENTGATE-MIB::egProduct\.0 = STRING: /);
      assert.match(e, /EVENTGATE-MIB::egTitle\.0 = STRING: .*EICAR-Test-File/);
      assert.match(e, /EVENTGATE-MIB::egMessage\.0 = STRING: Virus found: EICAR-Test-File in \/srv\/share\/eicar\.com on PC-0042/);
      assert.match(e, /EVENTGATE-MIB::egTime\.0 = STRING: \d{4}-\d{1,2}-\d{1,2},\d{1,2}:\d{1,2}:\d{1,2}\.\d,\+0:0/);
      assert.match(e, /EVENTGATE-MIB::egCount\.0 = Gauge32: 1/);
      assert.match(e, /EVENTGATE-MIB::egComputerName\.0 = STRING: PC-0042/);
      assert.match(e, /EVENTGATE-MIB::egVirusName\.0 = STRING: EICAR-Test-File/);
      assert.match(e, /EVENTGATE-MIB::egInfectedObject\.0 = STRING: \/srv\/share\/eicar\.com/);
      assert.match(e, /EVENTGATE-MIB::egProgram\.0 = STRING: avscan/);
      assert.match(e, /EVENTGATE-MIB::egScanner\.0 = STRING: /);
      assert.match(e, /EVENTGATE-MIB::egErrorDescription\.0 = STRING: /);
      assert.match(e, /EVENTGATE-MIB::egRule\.0 = STRING: generic-virus-found/);
      assert.doesNotMatch(e, /EVENTGATE-MIB::\d|enterprises\.99999/, 'no varbind left numeric');
    }
  });

  it('eventgate test-notify sends through the same output and says what each target did', async () => {
    const r = await runCli(['test-notify', 'noc', '--config', gw.configPath], { env: ENV, timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const m = /sending test notification (\S+) through snmp channel "noc"/.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.match(r.stdout, /delivered: 4 of 4 targets: .* v2c trap sent; .* v2c inform acked; .* v3 inform acked; .* v3 trap sent/);
    await waitFor(() => trapd.entries().filter((e) => e.includes(m[1]!)).length === 4, 'the test notification at snmptrapd', 10_000);
  });
});
