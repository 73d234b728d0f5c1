/**
 * TEST-PLAN B1 and B9 against the real listener of `eventgate run` (a child process):
 * 20,000 seeded mutations of the captured v1/v2c/v3 traps and informs plus random
 * datagrams, then size edges (0 and 65,507 bytes, 7,000 varbinds: the most one datagram
 * holds; a 128-arc OID). The process stays up, its RSS grows by at most 50 MB, every
 * datagram it read is accounted for (accepted, rejected, answered with a report, or
 * dropped, each counted), and a valid trap sent afterwards is classified within a second. FUZZ_SEED and FUZZ_COUNT
 * replay or extend a run; a datagram that ever breaks it goes to fixtures/snmp/regressions.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { startGatewayProcess, type RunningGateway } from '../helpers/gateway-process.js';
import { parseProm, sum } from '../../bench/lib/prom.js';
import { freePort, httpGet } from '../helpers/http.js';
import { mutation } from '../helpers/snmp-mutate.js';
import { allFixtures, int, oid, v2cTrap } from '../helpers/snmp-packets.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const SEED = Number(process.env.FUZZ_SEED ?? 4242);
const COUNT = Number(process.env.FUZZ_COUNT ?? 20_000);

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]);
}

describe('SNMP listener under fuzzed and oversized datagrams', () => {
  const cleanups: (() => void)[] = [];
  let gw: RunningGateway;
  let port: number;
  let metrics: () => Promise<string>;
  const sock = createSocket('udp4');

  before(async () => {
    const httpPort = await freePort();
    metrics = async () => (await httpGet(`http://127.0.0.1:${httpPort}/metrics`)).body;
    const dir = tempDir({ after: (fn: () => void) => cleanups.push(fn) });
    // Only marker traps are routed: thousands of fuzzed traps are accepted, and delivering a
    // notification for each would measure the log channel, not the listener.
    writeFileSync(join(dir, 'markers.yaml'), `rules:
  - { id: fuzz-marker, match: { kind: trap, message: { contains: fuzz-marker- } }, category: system-status }
`);
    gw = await startGatewayProcess(dir, `
listeners:
  snmp:
    - id: traps
      address: 127.0.0.1
      port: 0
      communities: [public]
      users:
        - { name: noc, auth: { protocol: sha, key: { env: AUTH } }, priv: { protocol: aes, key: { env: PRIV } } }
        - { name: authonly, auth: { protocol: sha256, key: { env: AUTH } } }
rules: [markers.yaml]
channels:
  sink: { type: log, format: json }
routes:
  - match: { category: system-status }
    channels: [sink]
http: { listen: "127.0.0.1:${httpPort}" }
log: { level: info }
`, { AUTH: 'authpass123', PRIV: 'privpass123' });
    port = gw.port('traps');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  });

  after(async () => {
    sock.close();
    const code = await gw.stop('SIGTERM');
    for (const c of cleanups) c();
    assert.equal(code, 0, 'SIGTERM exits 0');
  });

  const send = (b: Buffer) => new Promise<void>((r) => sock.send(b, port, '127.0.0.1', () => r()));

  async function classifiedWithinOneSecond(name: string): Promise<void> {
    const marker = `fuzz-marker-${name}`;
    const sent = Date.now();
    await send(v2cTrap('public', '1.3.6.1.6.3.1.1.5.3', [['1.3.6.1.2.1.2.2.1.2.1', Buffer.concat([Buffer.from([4, marker.length]), Buffer.from(marker)])]]));
    await gw.waitForLine((l) => l.startsWith('{"notification"') && l.includes(marker), `the trap ${marker}`, 5000);
    assert.ok(Date.now() - sent <= 1000, `classified after ${Date.now() - sent} ms`);
  }

  it(`B1: ${COUNT} mutated and random datagrams (seed ${SEED})`, async () => {
    await classifiedWithinOneSecond('warm-up');
    const rssBefore = rssKiB(gw.child.pid!);
    const input = fc.oneof(
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 1500 }).map((u) => Buffer.from(u)) },
      { weight: 4, arbitrary: mutation([...allFixtures().values()]) },
    );
    const datagrams = fc.sample(input, { numRuns: COUNT, seed: SEED });
    for (let i = 0; i < datagrams.length; i++) {
      void send(datagrams[i]!);
      // Paced so the kernel buffer does not overflow: the point is decoding, not loss.
      if (i % 100 === 99) await new Promise((r) => setTimeout(r, 10));
    }
    // A marker trap, resent until seen (the kernel may drop datagrams while the listener is
    // busy), drains the backlog; the timed trap after it then measures health alone.
    const settle = v2cTrap('public', '1.3.6.1.6.3.1.1.5.3', [['1.3.6.1.2.1.2.2.1.2.1', Buffer.from([4, 18, ...Buffer.from('fuzz-marker-settle')])]]);
    await waitFor(async () => {
      await send(settle);
      await new Promise((r) => setTimeout(r, 500));
      return gw.lines.some((l) => l.includes('fuzz-marker-settle'));
    }, 'the fuzz backlog to drain', 30_000);
    assert.equal(gw.child.exitCode, null, 'the gateway is alive');
    await waitFor(async () => {
      const m = parseProm(await metrics());
      const received = sum(m, 'eventgate_received_messages_total', { listener: 'traps' });
      const accounted = sum(m, 'eventgate_snmp_accepted_total', { listener: 'traps' }) + sum(m, 'eventgate_snmp_rejected_total', { listener: 'traps' })
        + sum(m, 'eventgate_snmp_responses_sent_total', { listener: 'traps', kind: 'report' })
        + sum(m, 'eventgate_dropped_messages_total', { listener: 'traps' }) - sum(m, 'eventgate_dropped_messages_total', { listener: 'traps', reason: 'receive_buffer' });
      return received > COUNT / 2 && received === accounted;
    }, 'every datagram read to be accounted for', 10_000);
    const growthMiB = (rssKiB(gw.child.pid!) - rssBefore) / 1024;
    assert.ok(growthMiB <= 50, `RSS grew ${growthMiB.toFixed(1)} MiB`);
    await classifiedWithinOneSecond('after-fuzz');
  });

  it('B9: 0-byte and 65,507-byte datagrams, 7,000 varbinds (the most one datagram holds), a 128-arc OID with arcs above 2^32', async () => {
    const rssBefore = rssKiB(gw.child.pid!);
    await send(Buffer.alloc(0));
    await send(Buffer.alloc(65_507, 0x30));
    const many = Array.from({ length: 7_000 }, (_, i) => [`1.3.${i % 120}`, int(i % 100)] as const);
    const big = v2cTrap('public', '1.3.6.1.4.1.1.0.1', many);
    assert.ok(big.length <= 65_507, `${big.length} bytes fit one datagram`);
    await send(big);
    const arcs = ['1.3', ...Array.from({ length: 126 }, (_, i) => String(2n ** 33n + BigInt(i)))].join('.');
    await send(v2cTrap('public', arcs, [[arcs, oid(arcs)]]));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(gw.child.exitCode, null, 'the gateway is alive');
    assert.ok((rssKiB(gw.child.pid!) - rssBefore) / 1024 <= 20, 'RSS growth within 20 MiB');
    await classifiedWithinOneSecond('after-size-edges');
  });
});
