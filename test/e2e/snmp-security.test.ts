/**
 * SNMP rejections and reflection (TEST-PLAN S1, S2, S3 for SNMP, S10) with real Debian
 * clients against a gateway built in-process (buildGateway, ports 0), so the counters can
 * be read from its metrics registry: wrong community, wrong v3 key, too low a level, a
 * disallowed source, v3-only listeners, replayed engine time; Get/GetNext/GetBulk/Set get
 * no answer; the accounting received = accepted + rejected + reports holds.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { buildGateway, type Gateway } from '../../src/app/gateway.js';
import { loadPlan } from '../../src/cli/load-plan.js';
import { createLogger } from '../../src/observe/logger.js';
import { octets, v2cTrap } from '../helpers/snmp-packets.js';
import { INFORM_ONCE, snmpTool, v3 } from '../helpers/snmp-tools.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const ENV = { COMMUNITY: 'canary-community', AUTH: 'canary-auth-1', PRIV: 'canary-priv-1' };
const CONFIG = `
listeners:
  snmp:
    - id: open
      address: 127.0.0.1
      port: 0
      communities: [{ env: COMMUNITY }]
      users:
        - { name: noc, auth: { protocol: sha, key: { env: AUTH } }, priv: { protocol: aes, key: { env: PRIV } } }
    - id: strict
      address: 127.0.0.1
      port: 0
      versions: [3]
      min_level: authPriv
      communities: [{ env: COMMUNITY }]
      users:
        - { name: noc, engine_ids: ["0x80001f8880aabbccdd"], auth: { protocol: sha, key: { env: AUTH } }, priv: { protocol: aes, key: { env: PRIV } } }
        - { name: half, auth: { protocol: sha, key: { env: AUTH } } }
    - id: local
      address: 127.0.0.1
      port: 0
      allow: [127.0.0.1/32]
      communities: [{ env: COMMUNITY }]
channels:
  sink: { type: log, format: json }
routes:
  - match: { category: other }
    channels: [sink]
`;

describe('SNMP rejections, counters and reflection', () => {
  const cleanups: (() => void)[] = [];
  const logLines: string[] = [];
  const events: { listener: string; trap: { varbinds: { value: string }[] } }[] = [];
  let gw: Gateway;
  let port: (id: string) => string;

  before(async () => {
    const dir = tempDir({ after: (fn: () => void) => cleanups.push(fn) });
    writeFileSync(join(dir, 'eventgate.yaml'), CONFIG);
    const plan = loadPlan(join(dir, 'eventgate.yaml'), { ...process.env, ...ENV });
    assert.ok(plan.ok, JSON.stringify(!plan.ok && plan.issues));
    const log = createLogger({ level: 'debug', destination: { write: (s: string) => void logLines.push(s) } });
    const stdout = new Writable({ write: (_c, _e, cb) => cb() });
    gw = buildGateway(plan.plan, { log, stdout, observe: (c) => events.push(c.event as never) });
    await gw.start();
    port = (id) => `udp:127.0.0.1:${gw.addresses()[id]![0]!.port}`;
  });

  after(async () => {
    await gw.stop();
    for (const c of cleanups) c();
  });

  const count = async (metric: 'snmpRejected' | 'snmpAccepted' | 'snmpResponses' | 'received', labels: Record<string, string>): Promise<number> => {
    const values = (await gw.metrics[metric].get()).values;
    return values.filter((v) => Object.entries(labels).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x)).reduce((n, v) => n + v.value, 0);
  };
  const waitCount = (metric: Parameters<typeof count>[0], labels: Record<string, string>, want: number) =>
    waitFor(async () => (await count(metric, labels)) >= want, `${metric} ${JSON.stringify(labels)} to reach ${want}`, 10_000);
  const eventsWith = (marker: string) => events.filter((e) => JSON.stringify(e.trap).includes(marker)).length;

  it('S2: a wrong community gives no event, counts, and logs at most one line without the community', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await snmpTool('snmptrap', ['-v', '2c', '-c', 'wrong-community', port('open'), '', '1.3.6.1.6.3.1.1.5.3', '1.3.6.1.2.1.2.2.1.2.1', 's', 's2-marker']);
      assert.equal(r.code, 0);
    }
    await waitCount('snmpRejected', { listener: 'open', reason: 'community' }, 3);
    assert.equal(eventsWith('s2-marker'), 0);
    const warned = logLines.filter((l) => l.includes('"reason":"community"'));
    assert.equal(warned.length, 1, 'one line per minute');
    assert.equal(logLines.join('').includes('wrong-community'), false);
  });

  it('a wrong v3 key gives no event and counts auth', async () => {
    const before = await count('snmpRejected', { listener: 'open', reason: 'auth' });
    await snmpTool('snmptrap', [...v3('noc', 'authPriv', ['SHA', 'not-the-key-1'], ['AES', 'canary-priv-1']), '-e', '0x80001f8880aabbccdd', port('open'), '', '1.3.6.1.6.3.1.1.5.3', '1.3.6.1.2.1.2.2.1.2.1', 's', 'badkey-marker']);
    await waitCount('snmpRejected', { listener: 'open', reason: 'auth' }, before + 1);
    assert.equal(eventsWith('badkey-marker'), 0);
  });

  it('S1: a v3-only authPriv listener takes only valid authPriv from a known engine', async () => {
    const target = port('strict');
    const good = v3('noc', 'authPriv', ['SHA', 'canary-auth-1'], ['AES', 'canary-priv-1']);
    const send = (opts: string[], marker: string, extra: string[] = []) =>
      snmpTool('snmptrap', [...opts, ...extra, target, '', '1.3.6.1.6.3.1.1.5.3', '1.3.6.1.2.1.2.2.1.2.1', 's', marker]);
    await send(['-v', '2c', '-c', 'canary-community'], 's1-v2c');
    await snmpTool('snmptrap', ['-v', '1', '-c', 'canary-community', target, '1.3.6.1.4.1.1', '10.0.0.1', '6', '1', '1', '1.3.6.1.4.1.1.1', 's', 's1-v1']);
    await send(v3('half', 'authNoPriv', ['SHA', 'canary-auth-1']), 's1-authnopriv', ['-e', '0x80001f8880aabbccdd']);
    await send(v3('noc', 'noAuthNoPriv'), 's1-noauth', ['-e', '0x80001f8880aabbccdd']);
    await send(good, 's1-engine', ['-e', '0x80001f8880deadbeef']);
    await send(v3('noc', 'authPriv', ['SHA', 'not-the-key-1'], ['AES', 'canary-priv-1']), 's1-badkey', ['-e', '0x80001f8880aabbccdd']);
    // Replay window: engine time 1000 then 2000 accepted, then 1000 again is > 150 s old.
    await send(good, 's1-t1000', ['-e', '0x80001f8880aabbccdd', '-Z', '1,1000']);
    await send(good, 's1-t2000', ['-e', '0x80001f8880aabbccdd', '-Z', '1,2000']);
    await send(good, 's1-replayed', ['-e', '0x80001f8880aabbccdd', '-Z', '1,1000']);
    await waitCount('snmpAccepted', { listener: 'strict' }, 2);
    await waitCount('snmpRejected', { listener: 'strict' }, 7);
    const reasons = Object.fromEntries((await gw.metrics.snmpRejected.get()).values.filter((v) => v.labels.listener === 'strict').map((v) => [v.labels.reason, v.value]));
    assert.deepEqual(reasons, { version: 2, level: 2, engine: 1, auth: 1, time_window: 1 });
    assert.deepEqual(['s1-v2c', 's1-v1', 's1-authnopriv', 's1-noauth', 's1-engine', 's1-badkey', 's1-replayed'].map(eventsWith), [0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual([eventsWith('s1-t1000'), eventsWith('s1-t2000')], [1, 1]);
  });

  it('S3: a disallowed source gets no event and no inform ack; the allowed one is accepted', async () => {
    const target = port('local');
    const trap = await snmpTool('snmptrap', ['--clientaddr=127.0.0.2', '-v', '2c', '-c', 'canary-community', target, '', '1.3.6.1.6.3.1.1.5.3', '1.3.6.1.2.1.2.2.1.2.1', 's', 's3-denied']);
    assert.equal(trap.code, 0);
    const inform = await snmpTool('snmpinform', ['--clientaddr=127.0.0.2', ...INFORM_ONCE.map((a) => (a === '2' ? '1' : a)), '-v', '2c', '-c', 'canary-community', target, '', '1.3.6.1.6.3.1.1.5.3', '1.3.6.1.2.1.2.2.1.2.1', 's', 's3-denied-inform']);
    assert.notEqual(inform.code, 0, 'the inform from a disallowed source is not acknowledged');
    const ok = await snmpTool('snmpinform', [...INFORM_ONCE, '-v', '2c', '-c', 'canary-community', target, '', '1.3.6.1.6.3.1.1.5.3', '1.3.6.1.2.1.2.2.1.2.1', 's', 's3-allowed']);
    assert.equal(ok.code, 0, ok.stderr);
    await waitFor(() => eventsWith('s3-allowed') === 1, 'the allowed inform');
    assert.equal(await count('snmpRejected', { listener: 'local', reason: 'source' }), 2);
    assert.equal(eventsWith('s3-denied') + eventsWith('s3-denied-inform'), 0);
  });

  it('S10: Get, GetNext, GetBulk and Set get no answer; an inform ack is no larger than the inform', async (t) => {
    const target = port('open');
    const q = ['-t', '0.5', '-r', '0', '-v', '2c', '-c', 'canary-community', target];
    const tools = await Promise.all([
      snmpTool('snmpget', [...q, '1.3.6.1.2.1.1.1.0']),
      snmpTool('snmpgetnext', [...q, '1.3.6.1.2.1.1']),
      snmpTool('snmpbulkget', [...q, '1.3.6.1.2.1.1']),
      snmpTool('snmpset', [...q, '1.3.6.1.2.1.1.5.0', 's', 'x']),
      snmpTool('snmpget', ['-t', '0.5', '-r', '0', ...v3('noc', 'authPriv', ['SHA', 'canary-auth-1'], ['AES', 'canary-priv-1']), '-e', '0x80001f8880aabbccdd', target, '1.3.6.1.2.1.1.1.0']),
    ]);
    for (const t of tools) assert.match(t.stderr, /Timeout|No Response/i);
    // A raw socket sees the bytes: nothing for requests, one ack for an inform.
    const sock = createSocket('udp4');
    t.after(() => sock.close());
    const got: Buffer[] = [];
    sock.on('message', (m) => got.push(m));
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    const p = Number(target.split(':').pop());
    for (const tag of [0xa0, 0xa1, 0xa3, 0xa5]) sock.send(v2cTrap('canary-community', '1.3.6.1.2.1.1.1.0', [], tag), p, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(got.length, 0, 'no answer to requests');
    const informForUs = v2cTrap('canary-community', '1.3.6.1.6.3.1.1.5.4', [['1.3.6.1.2.1.2.2.1.2.1', octets('s10-inform')]], 0xa6);
    sock.send(informForUs, p, '127.0.0.1');
    await waitFor(() => got.length === 1, 'the inform ack');
    assert.ok(got[0]!.length <= informForUs.length, `ack ${got[0]!.length} bytes, inform ${informForUs.length}`);
  });

  it('accounts for every datagram: received = accepted + rejected + reports', async (t) => {
    const sock = createSocket('udp4');
    t.after(() => sock.close());
    const p = Number(port('open').split(':').pop());
    for (let i = 0; i < 500; i++) {
      const bytes = i % 5 === 0 ? v2cTrap('canary-community', '1.3.6.1.4.1.1.0.1') : Buffer.from(Array.from({ length: i % 90 }, (_, k) => (k * 37 + i) & 0xff));
      sock.send(bytes, p, '127.0.0.1');
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 300));
    for (const id of ['open', 'strict', 'local']) {
      const received = await count('received', { listener: id });
      const accounted = (await count('snmpAccepted', { listener: id })) + (await count('snmpRejected', { listener: id })) + (await count('snmpResponses', { listener: id, kind: 'report' }));
      assert.equal(received, accounted, id);
    }
  });
});
