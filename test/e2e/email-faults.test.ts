/**
 * TEST-PLAN F1, F6 and F9 through a real `eventgate run` (SQLite outbox, its attempt history)
 * against smtp-server sinks. F1: while the SMTP server is down, /healthz says the channel is
 * degraded and the outbox depth metric counts what waits; once it is back, every
 * notification arrives exactly once, the outbox empties and the channel is healthy again. F6: an SMTP host name that does not resolve (NXDOMAIN under the
 * reserved .invalid TLD) is a temporary failure, retried and never dead-lettered before
 * max_age; after the config is fixed and reloaded with SIGHUP the pending notification is
 * delivered once. F9: 4xx on RCPT and on DATA are retried, then delivered once; 5xx on DATA
 * is dead after one attempt, with exactly one "delivery failed" notice on the dead-letter
 * channel; a connection cut after the final dot (no 250) is retried through the outbox and
 * the duplicate is seen and counted at the sink (at least once, never silently): neither a
 * fresh pooled connection nor the next server gets a second copy within the attempt.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { emailChannel, mailGatewayConfig, notification, signal } from '../helpers/email.js';
import { ROOT, startGatewayProcess, type RunningGateway } from '../helpers/gateway-process.js';
import { freePort, httpGet, sample } from '../helpers/http.js';
import { closedPort, startSink, type Reply, type Sink } from '../helpers/smtp-sink.js';
import { count, sendUdp, virusLine, withStateDb } from '../helpers/state.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The X-Eventgate-Id of every message the sink took in (answered or cut), in arrival order. */
const idsAt = (sink: Sink) => sink.messages.map((m) => String(m.parsed.headers.get('x-eventgate-id')));

interface Attempt {
  attempt: number;
  outcome: string;
  code: string | null;
  message: string | null;
}

/** The delivery history of `channel`: attempts in order, by notification id (in first-attempt order). */
function histories(stateDir: string, channel: string): Map<string, Attempt[]> {
  const rows = withStateDb(stateDir, (db) => db.prepare('SELECT notification_id AS id, attempt, outcome, code, message FROM attempts WHERE channel = ? ORDER BY seq').all(channel)) as (Attempt & { id: string })[];
  const byId = new Map<string, Attempt[]>();
  for (const { id, ...a } of rows) byId.set(id, [...(byId.get(id) ?? []), a]);
  return byId;
}

/** The history of the one notification of `channel` not in `except`. */
function historyOf(stateDir: string, channel: string, except: readonly string[] = []): { id: string; attempts: Attempt[] } {
  const mine = [...histories(stateDir, channel)].filter(([id]) => !except.includes(id));
  assert.ok(mine.length <= 1, `one notification on ${channel}, got ${mine.map(([id]) => id).join(', ')}`);
  return { id: mine[0]?.[0] ?? '', attempts: mine[0]?.[1] ?? [] };
}

/** A gateway whose virus events go to one email channel on `server`, retried every 100–400 ms for an hour. */
const mailGateway = (server: string) => mailGatewayConfig({ server, mail: ['retry_initial: 100ms', 'retry_max: 400ms', 'max_attempts: 1000', 'max_age: 1h'] });

it('F1: an SMTP outage: degraded and counted while it lasts, every notification delivered exactly once after', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  const state = join(dir, 'state');
  const port = await closedPort();
  const httpPort = await freePort();
  let sink: Sink | undefined;
  let gw: RunningGateway | undefined;
  t.after(async () => {
    await gw?.stop('SIGKILL');
    await sink?.close();
  });
  gw = await startGatewayProcess(dir, mailGateway(`127.0.0.1:${port}`) + `http: { listen: "127.0.0.1:${httpPort}" }\n`);
  const N = 20;
  await sendUdp(gw.port('udp'), Array.from({ length: N }, (_, i) => virusLine(`F1-${i}`, `PC-${i}`)));
  const health = async () => JSON.parse((await httpGet(`http://127.0.0.1:${httpPort}/healthz`)).body) as { status: string; channels: { id: string; status: string; depth: number }[] };
  const down = await waitFor(async () => {
    const h = await health();
    return h.status === 'degraded' && h.channels.find((c) => c.id === 'mail')?.status === 'degraded' && h;
  }, () => `the channel reported degraded\n${gw!.tail()}`, 15_000);
  assert.equal(down.channels[0]!.depth, N, 'healthz counts what waits');
  assert.equal(sample((await httpGet(`http://127.0.0.1:${httpPort}/metrics`)).body, 'eventgate_outbox_depth{channel="mail"}'), N);
  assert.equal(count(state, "SELECT COUNT(*) AS n FROM outbox WHERE channel = 'mail'"), N, 'all of them in the outbox');

  sink = await startSink({ port });
  await waitFor(() => sink!.messages.length >= N, () => `${N} messages after the server came back (have ${sink!.messages.length})\n${gw!.tail()}`, 20_000);
  await waitFor(() => count(state, 'SELECT COUNT(*) AS n FROM outbox') === 0, 'the outbox to empty', 10_000);
  await sleep(1000); // a second copy would come within a retry interval or two
  const ids = idsAt(sink);
  assert.equal(ids.length, N);
  assert.equal(new Set(ids).size, N, 'each exactly once');
  const up = await waitFor(async () => {
    const h = await health();
    return h.status === 'ok' && h;
  }, 'healthy again', 10_000);
  assert.equal(up.channels[0]!.depth, 0);
  assert.equal(await gw.stop('SIGTERM'), 0);
});

it('F6: an SMTP host that does not resolve is retried, not dead-lettered; after a SIGHUP with the fixed host the notification is delivered once', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  const state = join(dir, 'state');
  const sink = await startSink();
  let gw: RunningGateway | undefined;
  // The gateway first: the sink's close waits for the connections still open to it.
  t.after(async () => {
    await gw?.stop('SIGKILL');
    await sink.close();
  });
  // The right port, the wrong name: only the resolver stands between the gateway and the sink.
  gw = await startGatewayProcess(dir, mailGateway(`smtp.eventgate.invalid:${sink.port}`));
  await sendUdp(gw.port('udp'), [virusLine('F6-DNS')]);

  const failed = await waitFor(() => {
    const r = gw.records().filter((x) => x.msg === 'delivery failed; will retry');
    return r.length >= 6 && r;
  }, () => `six failed attempts\n${gw.tail()}`, 20_000);
  for (const r of failed) {
    const error = r.error as { code: string; message: string };
    assert.equal(error.code, 'ERR_SMTP_CONNECT', 'a resolver failure is a temporary connection error');
    assert.match(error.message, /^smtp\.eventgate\.invalid:\d+ connect: .*(ENOTFOUND|EAI_AGAIN)/);
  }
  assert.ok(!gw.records().some((r) => /given up|failed permanently/.test(String(r.msg))), 'nothing given up');
  const pending = historyOf(state, 'mail');
  assert.ok(pending.attempts.length >= 6 && pending.attempts.every((a) => a.outcome === 'retry' && a.code === 'ERR_SMTP_CONNECT'), JSON.stringify(pending.attempts));
  assert.equal(count(state, 'SELECT COUNT(*) AS n FROM dead_letters'), 0, 'not dead-lettered before max_age');
  assert.equal(count(state, "SELECT COUNT(*) AS n FROM outbox WHERE channel = 'mail'"), 1, 'still pending');
  assert.equal(sink.connections, 0);

  writeFileSync(gw.configPath, mailGateway(`127.0.0.1:${sink.port}`));
  gw.child.kill('SIGHUP');
  await gw.waitForRecord((r) => r.msg === 'configuration reloaded', 'the reload');
  await waitFor(() => sink.messages.length >= 1, () => `the delivery after the reload\n${gw.tail()}`, 15_000);
  await waitFor(() => count(state, 'SELECT COUNT(*) AS n FROM outbox') === 0, 'the outbox to empty', 10_000);
  await sleep(800); // a second copy would arrive within a few retry intervals
  assert.deepEqual(idsAt(sink), [pending.id], 'delivered once');
  const done = historyOf(state, 'mail');
  assert.equal(done.attempts.at(-1)?.outcome, 'sent');
  assert.equal(done.attempts.filter((a) => a.outcome === 'sent').length, 1);
  assert.equal(count(state, 'SELECT COUNT(*) AS n FROM dead_letters'), 0);
  t.diagnostic(`F6: ${done.attempts.length - 1} attempts failed on DNS before the reload, then delivered`);
  assert.equal(await gw.stop('SIGTERM'), 0);
});

describe('F9: SMTP partial failures through the outbox', () => {
  // One sink per fault, one channel per sink; a route per virus name picks the channel.
  const faults = {
    rcpt4xx: { virus: 'F9-RCPT-4XX' },
    data4xx: { virus: 'F9-DATA-4XX' },
    data5xx: { virus: 'F9-DATA-5XX' },
    reset: { virus: 'F9-RESET' },
  } as const;
  type Fault = keyof typeof faults;
  const sinks = {} as Record<Fault, Sink>;
  /** Times each fault's message reached the faulty step (counted where the fault fires once). */
  const hits: Record<Fault, number> = { rcpt4xx: 0, data4xx: 0, data5xx: 0, reset: 0 };
  let dir: string;
  let state: string;
  let gw: RunningGateway;

  /** True the first time the fault's message reaches the step (`hit`), false after. */
  const once = (f: Fault, hit: boolean) => hit && hits[f]++ === 0;
  const has = (raw: Buffer, f: Fault) => raw.includes(faults[f].virus);
  const greylisted: Reply = { code: 451, message: '4.7.1 greylisted, try again later' };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eventgate-email-faults-'));
    state = join(dir, 'state');
    sinks.rcpt4xx = await startSink({ onRcpt: () => (once('rcpt4xx', true) ? greylisted : undefined) });
    sinks.data4xx = await startSink({ onData: (raw) => (once('data4xx', has(raw, 'data4xx')) ? { code: 452, message: '4.3.1 insufficient system storage' } : undefined) });
    sinks.data5xx = await startSink({ onData: () => ({ code: 554, message: '5.7.1 message content rejected' }) });
    sinks.reset = await startSink({ onData: (raw) => (once('reset', has(raw, 'reset')) ? 'reset' : undefined) });
    const channel = (f: Fault, extra = '') => `
  mail-${f}:
    type: email
    smtp: { servers: ["127.0.0.1:${sinks[f].port}"], tls: none }
    to: soc@example.com
    retry_initial: 200ms
    retry_max: 400ms${extra}`;
    const route = (f: Fault) => `  - { match: { category: virus, fields: { VirusName: ${faults[f].virus} } }, channels: [mail-${f}] }`;
    const fs = Object.keys(faults) as Fault[];
    gw = await startGatewayProcess(dir, `
listeners: { syslog: [{ id: udp, protocol: udp, address: 127.0.0.1, port: 0 }] }
rules: ["${ROOT}/config/rules/*.yaml"]
store: { path: ./state }
channels:${fs.map((f) => channel(f, f === 'data5xx' ? '\n    dead_letter_channel: notices' : '')).join('')}
  notices: { type: log, template: "%Title%" }
routes:
${fs.map(route).join('\n')}
  - { match: { category: virus, fields: { VirusName: F9-WARMUP } }, channels: [mail-reset] }
`);
  });
  after(async () => {
    await gw?.stop('SIGKILL');
    for (const s of Object.values(sinks)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Sends the fault's virus line and waits until its notification settled and left the outbox. */
  async function deliver(f: Fault, settled: (h: Attempt[]) => boolean, except: readonly string[] = []): Promise<{ id: string; attempts: Attempt[] }> {
    await sendUdp(gw.port('udp'), [virusLine(faults[f].virus)]);
    return waitFor(() => {
      const h = historyOf(state, `mail-${f}`, except);
      return settled(h.attempts) && count(state, `SELECT COUNT(*) AS n FROM outbox WHERE channel = 'mail-${f}'`) === 0 && h;
    }, () => `mail-${f} to settle: ${JSON.stringify(historyOf(state, `mail-${f}`, except).attempts)}\n${gw.tail()}`, 15_000);
  }
  const sent = (h: Attempt[]) => h.some((a) => a.outcome === 'sent');

  it('4xx on RCPT: retried, then delivered once', async () => {
    const h = await deliver('rcpt4xx', sent);
    await sleep(500);
    assert.deepEqual(h.attempts.map((a) => [a.outcome, a.code]), [['retry', 'ERR_SMTP_TEMPORARY'], ['sent', null]]);
    assert.match(h.attempts[0]!.message!, /RCPT TO → 451 4\.7\.1 greylisted/);
    assert.deepEqual(idsAt(sinks.rcpt4xx), [h.id]);
    assert.equal(sinks.rcpt4xx.dataCount, 1, 'no DATA after the refused RCPT');
  });

  it('4xx on DATA: retried, then delivered once', async () => {
    const h = await deliver('data4xx', sent);
    await sleep(500);
    assert.deepEqual(h.attempts.map((a) => [a.outcome, a.code]), [['retry', 'ERR_SMTP_TEMPORARY'], ['sent', null]]);
    assert.match(h.attempts[0]!.message!, /452 4\.3\.1 insufficient system storage/);
    assert.equal(sinks.data4xx.dataCount, 2, 'the message was offered twice');
    assert.deepEqual(idsAt(sinks.data4xx), [h.id], 'and taken once');
  });

  it('5xx on DATA: dead after one attempt, and exactly one "delivery failed" notice on the dead-letter channel', async () => {
    const h = await deliver('data5xx', (a) => a.some((x) => x.outcome === 'dead'));
    const notice = (l: string) => l.startsWith('notification notices ');
    await waitFor(() => gw.lines.some(notice), () => `the notice\n${gw.tail()}`, 10_000);
    await sleep(1000); // no second notice, no second attempt
    assert.deepEqual(h.attempts.map((a) => [a.attempt, a.outcome, a.code]), [[1, 'dead', 'ERR_SMTP_REJECTED']]);
    assert.match(h.attempts[0]!.message!, /554 5\.7\.1 message content rejected/);
    assert.equal(sinks.data5xx.dataCount, 1, 'one attempt');
    assert.equal(sinks.data5xx.messages.length, 0);
    const dead = withStateDb(state, (db) => db.prepare('SELECT id, attempts, error_code AS code FROM dead_letters').all()) as { id: string; attempts: number; code: string }[];
    assert.deepEqual(dead, [{ id: h.id, attempts: 1, code: 'ERR_SMTP_REJECTED' }]);
    const notices = gw.lines.filter(notice);
    assert.equal(notices.length, 1, notices.join('\n'));
    assert.match(notices[0]!, /Delivery to channel mail-data5xx given up \(ERR_SMTP_REJECTED\): Virus F9-DATA-5XX found/);
  });

  it('connection cut after the final dot: retried through the outbox, the duplicate seen and counted', async () => {
    // A message first, so the cut lands on a pooled connection (the usual case under load).
    await sendUdp(gw.port('udp'), [virusLine('F9-WARMUP')]);
    await waitFor(() => sinks.reset.messages.length === 1 && count(state, 'SELECT COUNT(*) AS n FROM outbox') === 0, 'the warm-up message', 15_000);
    const warm = idsAt(sinks.reset)[0]!;
    const h = await deliver('reset', sent, [warm]);
    await sleep(500);
    assert.equal(hits.reset, 2, 'the message reached the end of DATA twice');
    assert.deepEqual(h.attempts.map((a) => [a.outcome, a.code]), [['retry', 'ERR_SMTP_CONNECT'], ['sent', null]], 'the cut is a recorded, backed-off retry');
    assert.match(h.attempts[0]!.message!, /:\d+ data: /, 'the failure is placed after the message was sent');
    const copies = sinks.reset.messages.filter((m) => String(m.parsed.headers.get('x-eventgate-id')) === h.id);
    assert.deepEqual(copies.map((m) => m.answered), [false, true], 'the sink took the message twice and answered the second');
    assert.equal(new Set(copies.map((m) => m.parsed.messageId)).size, 1, 'the same Message-ID on both copies');
    const seen = idsAt(sinks.reset);
    const duplicates = seen.length - new Set(seen).size;
    assert.equal(duplicates, 1, 'exactly one duplicate');
  });
});

it('a connection cut after the final dot ends the attempt: the next server gets no second copy now', async (t) => {
  const dir = tempDir(t);
  const cutting = await startSink({ onData: () => 'reset' });
  const spare = await startSink();
  t.after(async () => {
    await cutting.close();
    await spare.close();
  });
  const ch = emailChannel(dir, `
type: email
smtp: { servers: ["127.0.0.1:${cutting.port}", "127.0.0.1:${spare.port}"], tls: none }
to: soc@example.com
`);
  const n = notification();
  const d = await ch.output.send(n, signal());
  await ch.output.close();
  assert.equal(d.status, 'retry', JSON.stringify(d));
  assert.equal(d.status === 'retry' && d.error.code, 'ERR_SMTP_CONNECT');
  assert.match(d.status === 'retry' ? d.error.message : '', /data: .*the server may have kept it/);
  assert.deepEqual(idsAt(cutting), [n.id]);
  assert.equal(spare.connections, 0, 'no failover after the message went out');
});
