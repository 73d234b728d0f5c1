/**
 * Informs to a receiver that is down (TEST-PLAN F7, with compressed timeouts): 100 informs,
 * each attempt a temporary failure sent 1 + retries times (counted at the silent port), the
 * outbox retries, and once snmptrapd starts every notification is acknowledged and logged,
 * no inform more often than its retransmissions allow. With two targets, a retry goes
 * only to the target that failed: the one that took the trap does not get it again.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { describe, it } from 'node:test';
import { systemClock, systemTimers } from '../../src/core/clock.js';
import type { Notification } from '../../src/core/notification.js';
import { Secret } from '../../src/core/secret.js';
import { createLogger } from '../../src/observe/logger.js';
import { createMetrics } from '../../src/observe/metrics.js';
import { createDeliverer } from '../../src/outputs/deliverer.js';
import type { SnmpTarget } from '../../src/outputs/snmp-trap/session.js';
import { createSnmpOutput } from '../../src/outputs/snmp-trap/trap-output.js';
import { createMemoryOutbox } from '../../src/store/outbox-memory.js';
import { freeUdpPort, startSnmptrapd } from '../helpers/snmptrapd.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const silent = createLogger({ level: 'silent' });
const community = new Secret('public', 'test');

function notification(id: string): Notification {
  return {
    id, createdAt: Date.now(), kind: 'alert', channel: 'noc', routeIndex: 0, key: 'k', severity: 'error', category: 'update',
    title: `update failed ${id}`, suppressed: 0,
    items: [{ eventId: `E${id}`, receivedAt: Date.now(), host: 'av-console', message: 'Pattern update failed', ruleId: null, category: 'update', severity: 'error', title: 't', fields: {}, source: '127.0.0.1' }],
  };
}

const inform = (port: number): SnmpTarget => ({ host: '127.0.0.1', port, version: '2c', inform: true, timeoutMs: 150, retries: 1, community });

describe('informs to a stopped snmptrapd', () => {
  it('are retried through the outbox, each attempt sent 1 + retries times, and all delivered once it starts (100 informs)', async (t) => {
    const dir = tempDir(t);
    const port = await freeUdpPort();
    // Down, but the port answers nothing: every datagram of every attempt is counted here.
    const blackHole = createSocket('udp4');
    let datagrams = 0;
    blackHole.on('message', () => datagrams++);
    await new Promise<void>((r) => blackHole.bind(port, '127.0.0.1', r));
    const outbox = createMemoryOutbox(() => Date.now());
    const target = inform(port);
    const output = createSnmpOutput({ id: 'noc', targets: [target], enterpriseOid: '1.3.6.1.4.1.99999', relay: false }, { log: silent });
    const metrics = createMetrics();
    const concurrency = 4;
    const deliverer = createDeliverer(new Map([['noc', {
      output,
      policy: { maxAttempts: 500, maxAgeMs: 120_000, initialMs: 200, maxMs: 400, concurrency, attemptTimeoutMs: 2000 },
    }]]), { outbox, clock: systemClock, timers: systemTimers, log: silent, metrics });
    const ids = Array.from({ length: 100 }, (_, i) => `01F7INFORM${String(i).padStart(3, '0')}`);
    outbox.enqueue(ids.map(notification));
    deliverer.wake('noc');

    const timeouts = async () => (await metrics.notificationsRetried.get()).values.filter((v) => v.labels.code === 'ERR_TRAP_TIMEOUT').reduce((a, v) => a + v.value, 0);
    await waitFor(async () => (await timeouts()) >= ids.length, 'every inform to fail at least once', 30_000);
    assert.equal(outbox.depth('noc'), ids.length, 'nothing given up or lost while the receiver is down');
    blackHole.close();
    const failed = await timeouts();
    // Each failed attempt: the inform and `retries` retransmissions; attempts in flight add a few.
    const perAttempt = 1 + target.retries;
    assert.ok(datagrams >= failed * perAttempt && datagrams <= (failed + concurrency) * perAttempt, `${datagrams} datagrams for ${failed} failed attempts`);

    const trapd = await startSnmptrapd(dir, port);
    t.after(() => trapd.stop());
    await waitFor(() => outbox.depth('noc') === 0, 'the outbox to empty', 30_000);
    await deliverer.stop(1000);
    await output.close();
    const log = trapd.log();
    const seen = ids.map((id) => log.split(`egNotificationId.0 = STRING: ${id}`).length - 1);
    assert.ok(seen.every((n) => n >= 1), 'every inform reached snmptrapd');
    // Duplicates at the receiver come only from retransmissions of an acknowledged inform.
    assert.ok(seen.every((n) => n <= perAttempt), `at most ${perAttempt} copies of one inform: ${seen.join(',')}`);
    const sent = (await metrics.notificationsSent.get()).values.reduce((a, v) => a + v.value, 0);
    assert.equal(sent, ids.length);
  });

  it('retries only the target that failed', async (t) => {
    const dir = tempDir(t);
    const counter = createSocket('udp4');
    let datagrams = 0;
    counter.on('message', () => datagrams++);
    await new Promise<void>((r) => counter.bind(0, '127.0.0.1', () => r()));
    t.after(() => counter.close());
    const trapTarget: SnmpTarget = { host: '127.0.0.1', port: counter.address().port, version: '2c', inform: false, timeoutMs: 150, retries: 0, community };
    const port = await freeUdpPort();
    const output = createSnmpOutput({ id: 'noc', targets: [trapTarget, inform(port)], enterpriseOid: '1.3.6.1.4.1.99999', relay: false }, { log: silent });
    t.after(() => output.close());
    const n = notification('01PARTIAL');

    const first = await output.send(n, new AbortController().signal);
    assert.equal(first.status, 'retry');
    assert.equal(first.status === 'retry' && first.error.code, 'ERR_TRAP_TIMEOUT');
    assert.match(first.status === 'retry' ? first.error.message : '', /^1 of 2 targets: .* v2c trap sent; .* v2c inform failed: ERR_TRAP_TIMEOUT not acknowledged$/);
    await waitFor(() => datagrams === 1, 'the trap datagram');

    const trapd = await startSnmptrapd(dir, port);
    t.after(() => trapd.stop());
    const second = await output.send(n, new AbortController().signal);
    assert.equal(second.status, 'sent');
    assert.match(second.status === 'sent' ? second.detail ?? '' : '', /^2 of 2 targets: .* v2c trap sent \(earlier attempt\); .* v2c inform acked$/);
    assert.equal(datagrams, 1, 'the trap target did not get it twice');
    assert.equal(trapd.entries().filter((e) => e.includes('01PARTIAL')).length, 1);
  });
});
