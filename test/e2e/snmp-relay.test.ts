/**
 * Relay mode end to end: Debian `snmptrap -v 2c` (and `snmpinform`) send a trap to
 * `eventgate run`, whose `snmp` channel in relay mode forwards it as a v2c trap to a private
 * Debian snmptrapd. snmptrapd (numeric OIDs) must show the original notification OID,
 * sysUpTime and every original varbind in order with its type and value, plus
 * snmpTrapAddress.0 = 127.0.0.1, the original source, and nothing else.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGatewayProcess, type RunningGateway } from '../helpers/gateway-process.js';
import { INFORM_ONCE, snmpTool } from '../helpers/snmp-tools.js';
import { freeUdpPort, startSnmptrapd, type Snmptrapd } from '../helpers/snmptrapd.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const ENT = '1.3.6.1.4.1.6101.7';
const TRAP_OID = `${ENT}.0.5`;

/** snmptrap's `OID type value` triples, and how snmptrapd prints each one back (-On). */
const VARBINDS: readonly [oid: string, type: string, value: string, printed: string][] = [
  [`${ENT}.1.1.0`, 's', 'relay-marker Virus found: EICAR on PC-0042', 'STRING: "relay-marker Virus found: EICAR on PC-0042"'],
  [`${ENT}.1.2.0`, 'i', '-42', 'INTEGER: -42'],
  [`${ENT}.1.3.0`, 'o', '1.3.6.1.4.1.6101.99.1', 'OID: .1.3.6.1.4.1.6101.99.1'],
  [`${ENT}.1.4.0`, 'a', '10.20.30.40', 'IpAddress: 10.20.30.40'],
  [`${ENT}.1.5.0`, 'c', '4294967295', 'Counter32: 4294967295'],
  [`${ENT}.1.6.0`, 't', '8640000', 'Timeticks: (8640000) 1 day, 0:00:00.00'],
  [`${ENT}.1.7.0`, 'x', 'DEADBEEF00FF', 'Hex-STRING: DE AD BE EF 00 FF'],
  [`${ENT}.1.8.0`, 'u', '7', 'Gauge32: 7'],
];

/** The varbinds of one snmptrapd entry (tab-separated after its header line) as `OID = TYPE: value`. */
function varbindLines(entry: string): string[] {
  return entry.split('\n').slice(1).join('\t').split('\t').map((l) => l.trim()).filter(Boolean);
}

describe('relay mode: a trap in, the same trap out to snmptrapd', () => {
  const cleanups: (() => void)[] = [];
  const ctx = { after: (fn: () => void) => cleanups.push(fn) };
  let gw: RunningGateway;
  let trapd: Snmptrapd;
  let target: string;

  before(async () => {
    const dir = tempDir(ctx);
    trapd = await startSnmptrapd(dir, await freeUdpPort(), ['-On']);
    gw = await startGatewayProcess(dir, `
listeners:
  snmp:
    - { id: traps, address: 127.0.0.1, port: 0, communities: [public] }
channels:
  raw-noc:
    type: snmp
    relay: true
    targets:
      - { host: 127.0.0.1, port: ${trapd.port}, version: 2c, community: { env: EG_COMMUNITY } }
routes:
  - match: { category: other }
    channels: [raw-noc]
log: { level: debug }
`, { EG_COMMUNITY: 'public' });
    target = `udp:127.0.0.1:${gw.port('traps')}`;
  });

  after(async () => {
    const code = await gw?.stop('SIGTERM');
    await trapd?.stop();
    for (const c of cleanups) c();
    assert.equal(code, 0);
  });

  const relayed = (marker: string) => waitFor(() => {
    const e = trapd.entries().filter((x) => x.includes(marker));
    return e.length > 0 && e;
  }, `the relayed trap carrying ${marker} at snmptrapd`, 15_000).catch((err: Error) => {
    throw new Error(`${err.message}\nsnmptrapd log:\n${trapd.log()}\n${gw.tail()}`);
  });

  it('forwards the trap OID, sysUpTime and every varbind unchanged, plus snmpTrapAddress.0', async () => {
    const r = await snmpTool('snmptrap', ['-v', '2c', '-c', 'public', target, '4242', TRAP_OID, ...VARBINDS.flatMap(([o, t, v]) => [o, t, v])]);
    assert.equal(r.code, 0, r.stderr);
    const entries = await relayed('relay-marker');
    assert.equal(entries.length, 1, 'relayed once');
    const entry = entries[0]!;
    // The datagram comes from eventgate, over UDP from loopback.
    assert.match(entry.split('\n')[0]!, /\[UDP: \[127\.0\.0\.1\]:\d+->\[127\.0\.0\.1\]:\d+\]/);
    assert.deepEqual(varbindLines(entry), [
      '.1.3.6.1.2.1.1.3.0 = Timeticks: (4242) 0:00:42.42',
      `.1.3.6.1.6.3.1.1.4.1.0 = OID: .${TRAP_OID}`,
      ...VARBINDS.map(([oid, , , printed]) => `.${oid} = ${printed}`),
      '.1.3.6.1.6.3.18.1.3.0 = IpAddress: 127.0.0.1',
    ]);
    const delivered = await gw.waitForRecord((x) => x.msg === 'notification delivered' && x.channel === 'raw-noc', 'the delivery record');
    assert.match(String(delivered.detail), /^1 of 1 targets: 127\.0\.0\.1:\d+ v2c trap sent$/);
  });

  it('relays a v2c inform (acknowledged by eventgate) as a trap', async () => {
    const r = await snmpTool('snmpinform', [...INFORM_ONCE, '-v', '2c', '-c', 'public', target, '777', TRAP_OID,
      `${ENT}.1.1.0`, 's', 'inform-marker', `${ENT}.1.2.0`, 'i', '7']);
    assert.equal(r.code, 0, `snmpinform: ${r.stderr}`);
    const entries = await relayed('inform-marker');
    assert.equal(entries.length, 1, 'relayed once');
    assert.deepEqual(varbindLines(entries[0]!), [
      '.1.3.6.1.2.1.1.3.0 = Timeticks: (777) 0:00:07.77',
      `.1.3.6.1.6.3.1.1.4.1.0 = OID: .${TRAP_OID}`,
      `.${ENT}.1.1.0 = STRING: "inform-marker"`,
      `.${ENT}.1.2.0 = INTEGER: 7`,
      '.1.3.6.1.6.3.18.1.3.0 = IpAddress: 127.0.0.1',
    ]);
    // Out as a trap: the channel's only target is a v2c trap target, and it says so.
    const deliveries = await waitFor(() => {
      const d = gw.records().filter((x) => x.msg === 'notification delivered' && x.channel === 'raw-noc');
      return d.length === 2 && d;
    }, 'the second delivery record');
    assert.match(String(deliveries[1]!.detail), /^1 of 1 targets: 127\.0\.0\.1:\d+ v2c trap sent$/);
  });
});
