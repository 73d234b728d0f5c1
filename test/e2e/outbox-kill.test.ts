/**
 * TEST-PLAN F2: kill -9 during delivery, ten times. 200 notifications to a slow recording
 * exec hook (a shell script: a Node hook per delivery costs too much CPU on the 2-core CI
 * box); the gateway is killed at random moments while hooks run, and restarted on the
 * same state directory. Every notification is delivered at least once; duplicates only
 * for those in flight at a kill (at most the channel's concurrency per kill); no dead
 * letters; SQLite integrity ok. And over SMTP: a kill while the server holds its reply to
 * DATA (the message is there, its 250 not yet) repeats exactly the messages in flight, with
 * the same Message-ID, and loses none.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT, startGatewayProcess, type RunningGateway } from '../helpers/gateway-process.js';
import { mailGatewayConfig } from '../helpers/email.js';
import { startSink } from '../helpers/smtp-sink.js';
import { count, sendUdp, shellHook, virusLine, withStateDb } from '../helpers/state.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const N = 200;
const KILLS = 10;
const CONCURRENCY = 4;

it('F2: kill -9 during delivery loses nothing and repeats only what was in flight', { timeout: 120_000 }, async (t) => {
  const dir = tempDir(t);
  const state = join(dir, 'state');
  const hook = shellHook(dir);
  const yaml = `
listeners: { syslog: [{ id: udp, protocol: udp, port: 0 }] }
rules: ["${ROOT}/config/rules/*.yaml"]
store: { path: ./state }
channels:
  hook:
    type: exec
    command: ${hook.path}
    timeout: 10s
    concurrency: ${CONCURRENCY}
    retry_initial: 100ms
    retry_max: 1s
    env: { HOOK_SLEEP: "0.2" }
routes:
  - { match: { category: virus }, channels: [hook] }

`;
  let gw: RunningGateway = await startGatewayProcess(dir, yaml);
  t.after(() => gw.stop('SIGKILL'));
  await sendUdp(gw.port('udp'), Array.from({ length: N }, (_, i) => virusLine(`V-${i}`)));
  await waitFor(() => count(state, "SELECT COUNT(*) AS n FROM events WHERE category = 'virus'") === N, 'all events stored', 20_000);

  let landed = 0;
  const started = Date.now();
  for (let k = 0; k < KILLS; k++) {
    // A new incarnation leases due records as soon as it listens: hooks run from then on.
    await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 350)));
    if (count(state, 'SELECT COUNT(*) AS n FROM outbox') > 0) landed++;
    assert.equal(await gw.stop('SIGKILL'), null, 'killed');
    gw = await startGatewayProcess(dir, yaml);
  }
  const killing = Date.now() - started;
  await waitFor(() => count(state, 'SELECT COUNT(*) AS n FROM outbox') === 0, 'the outbox to empty', 40_000);
  await waitFor(() => new Set(hook.ids()).size >= N, 'every notification recorded', 10_000);

  const ids = hook.ids();
  const viruses = new Set(hook.values());
  for (let i = 0; i < N; i++) assert.ok(viruses.has(`V-${i}`), `V-${i} delivered`);
  const duplicates = ids.length - new Set(ids).size;
  t.diagnostic(`kills landing mid-delivery: ${landed}/${KILLS}; deliveries ${ids.length}; kill phase ${killing} ms; duplicates ${duplicates}`);
  assert.ok(landed >= 5, `most kills landed while notifications were pending (${landed})`);
  assert.ok(duplicates <= KILLS * CONCURRENCY, `duplicates ${duplicates} ≤ kills × concurrency`);
  assert.equal(count(state, 'SELECT COUNT(*) AS n FROM dead_letters'), 0, 'no dead letters');
  assert.equal(withStateDb(state, (db) => db.pragma('integrity_check', { simple: true })), 'ok');
  assert.equal(await gw.stop('SIGTERM'), 0);
});

it('F2 over SMTP: kill -9 while the server holds its reply to DATA repeats only those messages, with their Message-ID', { timeout: 90_000 }, async (t) => {
  const dir = tempDir(t);
  const state = join(dir, 'state');
  // Every message is recorded at its final dot; the 250 comes 1.5 s later.
  const sink = await startSink({ dataReplyDelayMs: 1500 });
  const M = 12;
  const yaml = mailGatewayConfig({ server: `127.0.0.1:${sink.port}`, mail: [`concurrency: ${CONCURRENCY}`, 'retry_initial: 100ms', 'retry_max: 1s'] });
  let gw: RunningGateway = await startGatewayProcess(dir, yaml);
  t.after(async () => {
    await gw.stop('SIGKILL');
    await sink.close();
  });
  await sendUdp(gw.port('udp'), Array.from({ length: M }, (_, i) => virusLine(`S-${i}`)));
  let kills = 0;
  let inFlightAtKills = 0;
  for (let k = 0; k < 3; k++) {
    const before = sink.messages.length;
    // Killed while the sink holds replies: messages arrived, their 250 not yet sent.
    await waitFor(() => sink.messages.length > before, 'a message waiting for its reply', 20_000);
    await new Promise((r) => setTimeout(r, 200));
    inFlightAtKills += sink.messages.filter((m) => Date.now() - m.at < 1500).length;
    assert.equal(await gw.stop('SIGKILL'), null, 'killed');
    kills++;
    gw = await startGatewayProcess(dir, yaml);
  }
  await waitFor(() => count(state, 'SELECT COUNT(*) AS n FROM outbox') === 0, 'the outbox to empty', 40_000);
  const ids = sink.messages.map((m) => String(m.parsed.headers.get('x-eventgate-id')));
  const unique = new Set(ids);
  assert.equal(unique.size, M, 'every notification arrived');
  const duplicates = ids.length - unique.size;
  t.diagnostic(`${kills} kills with ${inFlightAtKills} replies pending; ${ids.length} messages at the sink, ${duplicates} duplicates`);
  assert.ok(duplicates >= 1, 'a kill while the reply was held repeats that message');
  assert.ok(duplicates <= kills * CONCURRENCY, `duplicates ${duplicates} ≤ kills × concurrency`);
  for (const id of unique) {
    const ofId = sink.messages.filter((m) => m.parsed.headers.get('x-eventgate-id') === id).map((m) => m.parsed.messageId);
    assert.equal(new Set(ofId).size, 1, `every copy of ${id} carries the same Message-ID`);
  }
  assert.equal(count(state, 'SELECT COUNT(*) AS n FROM dead_letters'), 0, 'no dead letters');
  assert.equal(await gw.stop('SIGTERM'), 0);
});
