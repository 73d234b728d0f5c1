/**
 * TEST-PLAN F3: kill -9 during ingest. A TCP sender streams sequence-numbered virus lines
 * (shipped rules; a distinct virus name each, so every one is notified to an exec hook);
 * the gateway is SIGKILLed once part of the stream is stored, restarted on the same state
 * directory, and the sender resends from the last sequence number the store holds. The hook
 * fails (retryably) until the restart, so every notification of the first run is still in
 * the outbox at the kill. Pass: the persisted numbers have no gap (after the kill and at the
 * end), none is stored twice, each stored event's notification was in the outbox at the
 * kill (same transaction), and each is delivered: recorded by the hook and as a `sent`
 * attempt; no dead letters; SQLite integrity ok.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT, startGatewayProcess, type RunningGateway } from '../helpers/gateway-process.js';
import { count, shellHook, virusLine, withStateDb } from '../helpers/state.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const N = 1500;
/** Lines written per turn and the pause between turns: ~2,000 lines/s, a stream of seconds. */
const PER_TURN = 20;
const PAUSE_MS = 10;
/** Events stored before the kill: well inside the stream. */
const KILL_AFTER = 300;

const seqName = (i: number) => `SEQ-${String(i).padStart(6, '0')}`;

/**
 * Streams lines `from`..N-1 over one TCP connection, paced, until done or the connection
 * breaks (the gateway was killed). Resolves with the number of the first line not written.
 */
function stream(port: number, from: number): { done: Promise<number> } {
  const done = new Promise<number>((resolve) => {
    let next = from;
    let broken = false;
    const deadline = Date.now() + 30_000;
    const sock: Socket = connect(port, '127.0.0.1');
    sock.on('error', () => { broken = true; });
    sock.on('close', () => { broken = true; resolve(next); });
    sock.on('connect', () => {
      const turn = () => {
        if (broken) return;
        if (next >= N || Date.now() > deadline) {
          sock.end();
          return;
        }
        const end = Math.min(N, next + PER_TURN);
        let chunk = '';
        for (let i = next; i < end; i++) chunk += virusLine(seqName(i), `PC-${i % 50}`) + '\n';
        sock.write(chunk);
        next = end;
        setTimeout(turn, PAUSE_MS);
      };
      turn();
    });
  });
  return { done };
}

interface Stored { seq: number; notifications: string[] }

function storedEvents(state: string): Stored[] {
  return withStateDb(state, (db) =>
    (db.prepare("SELECT fields, notifications FROM events WHERE category = 'virus' ORDER BY id").all() as { fields: string; notifications: string }[])
      .map((r) => {
        const name = (JSON.parse(r.fields) as Record<string, string>).VirusName ?? '';
        assert.match(name, /^SEQ-\d{6}$/, 'every stored virus event is one the sender sent');
        return { seq: Number(name.slice(4)), notifications: JSON.parse(r.notifications) as string[] };
      }));
}

/** Asserts the stored sequence numbers are exactly 0..max, each once; returns max. */
function assertNoGap(rows: readonly Stored[], when: string): number {
  const seqs = rows.map((r) => r.seq).sort((a, b) => a - b);
  assert.ok(seqs.length > 0, `${when}: something stored`);
  assert.equal(seqs[0], 0, `${when}: the range starts at 0`);
  for (let i = 1; i < seqs.length; i++) {
    assert.notEqual(seqs[i], seqs[i - 1], `${when}: ${seqName(seqs[i]!)} stored twice`);
    assert.equal(seqs[i], seqs[i - 1]! + 1, `${when}: gap after ${seqName(seqs[i - 1]!)}`);
  }
  return seqs[seqs.length - 1]!;
}

it('F3: kill -9 during ingest leaves no gap, and every stored event is delivered after restart', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  const state = join(dir, 'state');
  const hook = shellHook(dir);
  hook.block(true);
  const yaml = `
listeners: { syslog: [{ id: tcp, protocol: tcp, port: 0, address: 127.0.0.1 }] }
rules: ["${ROOT}/config/rules/*.yaml"]
store: { path: ./state }
channels:
  hook:
    type: exec
    command: ${hook.path}
    concurrency: 4
    retry_initial: 1s
    retry_max: 1s
routes:
  - { match: { category: virus }, channels: [hook] }
`;
  let gw: RunningGateway = await startGatewayProcess(dir, yaml);
  t.after(() => gw.stop('SIGKILL'));
  const virusCount = () => count(state, "SELECT COUNT(*) AS n FROM events WHERE category = 'virus'");

  const first = stream(gw.port('tcp'), 0);
  await waitFor(() => virusCount() >= KILL_AFTER, () => `${KILL_AFTER} events stored\n${gw.tail()}`, 20_000);
  // A moment later, so the kill may land between commits as well as right after one.
  await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 150)));
  assert.equal(await gw.stop('SIGKILL'), null, 'killed');
  const written = await first.done;

  const beforeRestart = storedEvents(state);
  const last = assertNoGap(beforeRestart, 'after the kill');
  const pendingAtKill = count(state, 'SELECT COUNT(*) AS n FROM outbox');
  t.diagnostic(`sender wrote ${written} lines; stored ${last + 1}; outbox held ${pendingAtKill} at the kill`);
  assert.ok(last + 1 < N, 'the kill landed mid-stream');
  assert.ok(last + 1 <= written, 'nothing stored that was not sent');
  const queued = withStateDb(state, (db) => new Set((db.prepare('SELECT id FROM outbox').all() as { id: string }[]).map((r) => r.id)));
  for (const r of beforeRestart) {
    assert.equal(r.notifications.length, 1, `${seqName(r.seq)} caused one notification`);
    assert.ok(queued.has(r.notifications[0]!), `${seqName(r.seq)}: its notification was in the outbox at the kill`);
  }
  hook.block(false);

  gw = await startGatewayProcess(dir, yaml);
  const second = stream(gw.port('tcp'), last + 1);
  assert.equal(await second.done, N, 'the resend completed');
  await waitFor(() => virusCount() === N, () => `all ${N} events stored (have ${virusCount()})\n${gw.tail()}`, 30_000);
  await waitFor(() => count(state, 'SELECT COUNT(*) AS n FROM outbox') === 0, () => `the outbox to empty\n${gw.tail()}`, 30_000);

  const rows = storedEvents(state);
  assert.equal(assertNoGap(rows, 'after the resend'), N - 1);
  assert.equal(rows.length, N, 'each number stored once');
  const delivered = withStateDb(state, (db) =>
    new Set((db.prepare("SELECT DISTINCT notification_id AS id FROM attempts WHERE outcome = 'sent'").all() as { id: string }[]).map((r) => r.id)));
  for (const r of rows) {
    assert.equal(r.notifications.length, 1, `${seqName(r.seq)} caused one notification`);
    assert.ok(delivered.has(r.notifications[0]!), `${seqName(r.seq)}: its notification was delivered`);
  }
  const recorded = new Set(hook.ids());
  for (const r of rows) assert.ok(recorded.has(r.notifications[0]!), `${seqName(r.seq)}: the hook ran for it`);
  assert.equal(count(state, 'SELECT COUNT(*) AS n FROM dead_letters'), 0, 'no dead letters');
  assert.equal(withStateDb(state, (db) => db.pragma('integrity_check', { simple: true })), 'ok');
  assert.equal(await gw.stop('SIGTERM'), 0);
});
