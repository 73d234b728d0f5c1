/**
 * Email output through the real deliverer and in-memory outbox (the Output/Deliverer
 * contracts, not a particular store): 4xx then success is retried and delivered once; 5xx is
 * dead after one attempt; tls: required against a server without STARTTLS sends no AUTH and
 * no DATA and ends in the dead letters (TEST-PLAN S5); SMTP down, then 421, then back:
 * every notification delivered exactly once with compressed backoff (TEST-PLAN F1).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { systemClock, systemTimers } from '../../src/core/clock.js';
import type { Notification } from '../../src/core/notification.js';
import { createMetrics } from '../../src/observe/metrics.js';
import { createDeliverer, type Channel } from '../../src/outputs/deliverer.js';
import { createMemoryOutbox } from '../../src/store/outbox-memory.js';
import { emailChannel, memoryLogger, notification } from '../helpers/email.js';
import { closedPort, startSink, type Sink } from '../helpers/smtp-sink.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const dir = tempDir({ after }, 'eventgate-email-delivery-');

function run(channel: Channel) {
  const { log, records } = memoryLogger('debug');
  const outbox = createMemoryOutbox(() => Date.now());
  const metrics = createMetrics();
  const deliverer = createDeliverer(new Map([['mail', channel]]), { outbox, clock: systemClock, timers: systemTimers, log, metrics });
  return {
    outbox,
    records,
    metrics,
    enqueue(ns: Notification[]) {
      outbox.enqueue(ns);
      deliverer.wake('mail');
    },
    async stop() {
      await deliverer.stop(2000);
      await channel.output.close();
    },
  };
}

const ids = (sink: Sink) => sink.messages.map((m) => String(m.parsed.headers.get('x-eventgate-id')));

test('4xx on RCPT, then success: retried through the deliverer and delivered once', async () => {
  let rcpts = 0;
  const sink = await startSink({ onRcpt: () => (++rcpts === 1 ? { code: 451, message: '4.7.1 greylisted, try again' } : undefined) });
  const ch = emailChannel(dir, `
type: email
smtp: { servers: ["127.0.0.1:${sink.port}"], tls: none }
to: soc@example.com
retry_initial: 50ms
retry_max: 200ms
`);
  const r = run(ch);
  const n = notification({ channel: 'mail' });
  r.enqueue([n]);
  await waitFor(() => r.outbox.depth() === 0, 'delivery', 10_000);
  await r.stop();
  await sink.close();
  assert.deepEqual(ids(sink), [n.id]);
  assert.equal(rcpts, 2);
  assert.equal(r.outbox.dead().length, 0);
  const retried = r.records().find((x) => x.msg === 'delivery failed; will retry') as { error: { code: string; message: string } } | undefined;
  assert.equal(retried?.error.code, 'ERR_SMTP_TEMPORARY');
  assert.match(retried!.error.message, /RCPT TO → 451 4\.7\.1 greylisted/);
});

test('5xx on DATA: dead after one attempt, with the reply code and command reported', async () => {
  const sink = await startSink({ onData: () => ({ code: 554, message: '5.7.1 message refused' }) });
  const ch = emailChannel(dir, `
type: email
smtp: { servers: ["127.0.0.1:${sink.port}"], tls: none }
to: soc@example.com
retry_initial: 50ms
`);
  const r = run(ch);
  r.enqueue([notification({ channel: 'mail' })]);
  await waitFor(() => r.outbox.dead().length === 1, 'dead letter', 10_000);
  await r.stop();
  await sink.close();
  const dead = r.outbox.dead()[0]!;
  assert.equal(dead.attempts, 1);
  assert.equal(dead.lastError?.code, 'ERR_SMTP_REJECTED');
  assert.match(dead.lastError!.message, /554 5\.7\.1 message refused/);
  assert.equal(sink.dataCount, 1);
  assert.equal(sink.messages.length, 0);
});

test('S5: tls: required against a server without STARTTLS sends no AUTH and no DATA, retried then dead-lettered', async () => {
  const sink = await startSink({ starttls: false, user: { name: 'gw', pass: 'canary-s5' } });
  const ch = emailChannel(dir, `
type: email
smtp: { servers: ["127.0.0.1:${sink.port}"], tls: required, auth: { user: gw, pass: { env: SMTP_PASS } } }
to: soc@example.com
retry_initial: 20ms
retry_max: 40ms
max_attempts: 3
`, { env: { SMTP_PASS: 'canary-s5' } });
  const r = run(ch);
  r.enqueue([notification({ channel: 'mail' })]);
  await waitFor(() => r.outbox.dead().length === 1, 'dead letter', 10_000);
  await r.stop();
  await sink.close();
  const dead = r.outbox.dead()[0]!;
  assert.equal(dead.attempts, 3);
  assert.equal(dead.lastError?.code, 'ERR_SMTP_TLS');
  assert.match(dead.lastError!.message, /STARTTLS/);
  assert.equal(sink.connections, 3);
  assert.equal(sink.auths.length, 0);
  assert.equal(sink.mailFroms.length, 0);
  assert.equal(sink.dataCount, 0);
  assert.doesNotMatch(JSON.stringify(r.records()), /canary-s5/);
});

test('F1: SMTP refused, then 421, then healthy: every notification delivered exactly once', async (t) => {
  const port = await closedPort();
  const ch = emailChannel(dir, `
type: email
smtp: { servers: ["127.0.0.1:${port}"], tls: none }
to: soc@example.com
retry_initial: 50ms
retry_max: 400ms
max_attempts: 100
concurrency: 2
`);
  const r = run(ch);
  const N = 40;
  const ns = Array.from({ length: N }, () => notification({ channel: 'mail' }));
  r.enqueue(ns.slice(0, N / 2));
  await new Promise((res) => setTimeout(res, 800)); // connection refused
  const busy = await startSink({ port, onConnect: () => ({ code: 421, message: '4.3.2 service not available' }) });
  r.enqueue(ns.slice(N / 2));
  await new Promise((res) => setTimeout(res, 800)); // 421 at the greeting
  await busy.close();
  const recovered = Date.now();
  const sink = await startSink({ port });
  await waitFor(() => sink.messages.length >= N && r.outbox.depth() === 0, `${N} messages`, 20_000);
  const took = Date.now() - recovered;
  await new Promise((res) => setTimeout(res, 200)); // nothing more may arrive
  await r.stop();
  await sink.close();
  const seen = ids(sink);
  assert.equal(seen.length, N, 'no duplicates');
  assert.deepEqual(new Set(seen), new Set(ns.map((n) => n.id)), 'no loss');
  assert.equal(r.outbox.dead().length, 0);
  assert.ok(took < 10_000, `delivered within ${took} ms of recovery`);
  // Backoff, not a storm: equal-jitter steps from 50 ms capped at 400 ms allow at most ~10
  // attempts per notification in these 1.6 s; connects to the 421 server are far fewer.
  const retries = (await r.metrics.notificationsRetried.get()).values.reduce((a, v) => a + v.value, 0);
  t.diagnostic(`F1: ${N} notifications, ${retries} retries, ${busy.connections} connects answered 421, all delivered ${took} ms after recovery`);
  assert.ok(retries <= N * 10, `${retries} retries for ${N} notifications`);
  assert.ok(busy.connections <= N * 4, `${busy.connections} connects during the 421 phase`);
});
