/**
 * Outbox and history benchmark (npm run bench:outbox): on this machine, with the store in
 * a temp directory, for both `synchronous` settings:
 *  - notifications written per second (pipeline-sized batches, one transaction each);
 *  - notifications confirmed per second (deliverer → an output that succeeds at once →
 *    ack written), i.e. the outbox's own ceiling;
 *  - the cost per classified event of storing its history row (µs and bytes on disk).
 * Prints figures; asserts nothing.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Classified } from '../src/core/classification.js';
import { systemClock, systemTimers } from '../src/core/clock.js';
import { createUlidFactory } from '../src/core/ids.js';
import type { Notification } from '../src/core/notification.js';
import { createLogger } from '../src/observe/logger.js';
import { createMetrics } from '../src/observe/metrics.js';
import { createDeliverer } from '../src/outputs/deliverer.js';
import { openStore } from '../src/store/index.js';

const NOTIFICATIONS = Number(process.env.BENCH_N ?? 20_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const BATCH = 256;
const log = createLogger({ level: 'silent' });
const newId = createUlidFactory(Date.now);

function classified(i: number): Classified {
  const message = `Virus found: EICAR-Test-File-${i % 100} in C:\\Users\\bob\\Downloads\\file-${i}.zip on PC-${i % 500}, action: quarantined`;
  return {
    event: {
      id: newId(), receivedAt: Date.now(), kind: 'syslog', listener: 'syslog-udp-514', peer: { address: '10.1.2.3', port: 51514, transport: 'udp' },
      host: `fs-${i % 20}`, message, raw: Buffer.from(`<12>Nov 22 10:15:02 fs-${i % 20} avscan[812]: ${message}`),
      syslog: { format: 'rfc3164', facility: 1, severity: 4, hostname: `fs-${i % 20}`, appName: 'avscan' },
    },
    classification: {
      ruleId: 'generic-virus-found', category: 'virus', severity: 'critical', title: `Virus EICAR-Test-File-${i % 100} found`, state: 'event',
      key: `virus|PC-${i % 500}|EICAR`, fields: { VirusName: `EICAR-Test-File-${i % 100}`, InfectedObject: `C:\\Users\\bob\\Downloads\\file-${i}.zip`, ComputerName: `PC-${i % 500}`, Action: 'quarantined' },
    },
  };
}

function notification(c: Classified, channel: string): Notification {
  const k = c.classification;
  return {
    id: newId(), createdAt: Date.now(), kind: 'alert', channel, routeIndex: 0, key: k.key, severity: k.severity, category: k.category, title: k.title,
    items: [{ eventId: c.event.id, receivedAt: c.event.receivedAt, host: c.event.host, message: c.event.message, ruleId: k.ruleId, category: k.category, severity: k.severity, title: k.title, fields: k.fields }],
    suppressed: 0,
  };
}

function open(dir: string, synchronous: 'full' | 'normal') {
  return openStore({ dir, synchronous, maxOutbox: 10 * NOTIFICATIONS }, { clock: systemClock, timers: systemTimers, log, metrics: createMetrics() });
}

async function run(synchronous: 'full' | 'normal'): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'eventgate-bench-'));
  try {
    // 1. Notifications written, in pipeline-sized transactions.
    let store = open(dir, synchronous);
    const notes = Array.from({ length: NOTIFICATIONS }, (_, i) => notification(classified(i), 'sink'));
    let t = performance.now();
    for (let i = 0; i < notes.length; i += BATCH) store.commit({ events: [], notifications: notes.slice(i, i + BATCH), state: [] });
    const writeMs = performance.now() - t;

    // 2. Confirmed: lease → send (succeeds at once) → ack written behind.
    const output = { id: 'sink', type: 'bench', send: async () => ({ status: 'sent' as const }), close: async () => {} };
    const deliverer = createDeliverer(new Map([['sink', { output, policy: { maxAttempts: 10, maxAgeMs: 86_400_000, initialMs: 1000, maxMs: 60_000, concurrency: 16, attemptTimeoutMs: 10_000 } }]]), {
      outbox: store.outbox, clock: systemClock, timers: systemTimers, log, metrics: createMetrics(), newId,
    });
    t = performance.now();
    deliverer.wake();
    while (store.outbox.depth() > 0 || store.unwritten() > 0) await new Promise((r) => setTimeout(r, 5));
    const confirmMs = performance.now() - t;
    await deliverer.stop(1000);
    await store.close();

    // 3. History: classified events committed per batch, no notifications.
    rmSync(dir, { recursive: true, force: true });
    store = open(dir, synchronous);
    const history = Array.from({ length: EVENTS }, (_, i) => classified(i));
    t = performance.now();
    for (let i = 0; i < history.length; i += BATCH) {
      store.commit({ events: history.slice(i, i + BATCH).map((c) => ({ classified: c, notificationIds: [] })), notifications: [], state: [] });
    }
    const historyMs = performance.now() - t;
    await store.close();
    const bytes = statSync(join(dir, 'eventgate.db')).size;

    const rate = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString('en');
    console.log(`synchronous=${synchronous}`);
    console.log(`  notifications written:   ${rate(NOTIFICATIONS, writeMs)}/s (${NOTIFICATIONS} in ${Math.round(writeMs)} ms, batches of ${BATCH})`);
    console.log(`  notifications confirmed: ${rate(NOTIFICATIONS, confirmMs)}/s (lease, send, ack written; concurrency 16)`);
    console.log(`  history per classified event: ${((historyMs * 1000) / EVENTS).toFixed(1)} µs, ${Math.round(bytes / EVENTS)} bytes on disk (${EVENTS} events, ${rate(EVENTS, historyMs)}/s)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await run('full');
await run('normal');
