/**
 * TEST-PLAN L1 (PR size) in process: four TCP connections, two LF-framed and two
 * octet-counted, send sequence-numbered messages into a gateway whose ingest queue holds
 * only 64 events, so the connections are paused and resumed by backpressure all the time,
 * with every shipped rule pack loaded. Every message must be classified exactly once and in
 * order per connection, with no drop. (Rates, latency and memory are the bench's.)
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../helpers/gateway-process.js';
import { startInProcessGateway, type InProcessGateway } from '../helpers/in-process-gateway.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const PER_CONNECTION = 2500;
const CONNECTIONS = 4;

function frame(conn: number, seq: number, octet: boolean): string {
  const msg = `<13>1 2026-03-02T10:00:00.000Z host${conn} seqtest - - - conn=${conn} seq=${seq} ${'x'.repeat(seq % 200)}`;
  return octet ? `${Buffer.byteLength(msg)} ${msg}` : `${msg}\n`;
}

/** Writes all frames in batches, honouring the socket's own backpressure. */
async function send(socket: Socket, conn: number, octet: boolean): Promise<void> {
  for (let seq = 1; seq <= PER_CONNECTION; seq += 50) {
    let batch = '';
    for (let s = seq; s < seq + 50 && s <= PER_CONNECTION; s++) batch += frame(conn, s, octet);
    if (!socket.write(batch)) await new Promise((r) => socket.once('drain', r));
  }
  await new Promise<void>((r) => socket.end(() => r()));
}

describe('TCP load with mixed framing under backpressure (L1, PR size)', () => {
  const cleanups: (() => void)[] = [];
  let gw: InProcessGateway;

  before(async () => {
    const dir = tempDir({ after: (fn: () => void) => cleanups.push(fn) });
    gw = await startInProcessGateway(dir, `
listeners:
  syslog:
    - { id: tcp, protocol: tcp, port: 0, address: 127.0.0.1 }
rules: ["${ROOT}/config/rules/*.yaml"]
queue: { capacity: 64 }
`);
  });

  after(async () => {
    await gw.stop();
    for (const c of cleanups) c();
  });

  it('classifies every message exactly once and in order per connection', async (t) => {
    const port = gw.port('tcp');
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = Date.now();
    const sockets = Array.from({ length: CONNECTIONS }, () => connect({ host: '127.0.0.1', port }));
    await Promise.all(sockets.map((s) => new Promise((r) => s.once('connect', r))));
    await Promise.all(sockets.map((s, i) => send(s, i, i % 2 === 1)));
    const total = CONNECTIONS * PER_CONNECTION;
    await waitFor(() => gw.classified.length >= total, `${total} classified events`, 60_000);
    delay.disable();

    const bySeq = new Map<number, number[]>();
    for (const c of gw.classified) {
      const m = /conn=(\d) seq=(\d+)/.exec(c.event.message);
      assert.ok(m, c.event.message);
      const list = bySeq.get(Number(m[1])) ?? [];
      list.push(Number(m[2]));
      bySeq.set(Number(m[1]), list);
      assert.equal(c.event.peer.transport, 'tcp');
    }
    for (let conn = 0; conn < CONNECTIONS; conn++) {
      const seqs = bySeq.get(conn) ?? [];
      assert.equal(seqs.length, PER_CONNECTION, `connection ${conn}: no loss, no duplicate`);
      assert.ok(seqs.every((s, i) => s === i + 1), `connection ${conn}: in order`);
    }
    assert.equal(await gw.counter('eventgate_dropped_messages_total'), 0, 'nothing dropped');
    assert.ok((await gw.counter('eventgate_syslog_connection_pauses_total')) > 0, 'backpressure paused the connections');
    assert.equal(await gw.counter('eventgate_received_messages_total'), total);
    assert.equal(await gw.counter('eventgate_parsed_messages_total', { format: 'rfc5424' }), total);
    const seconds = (Date.now() - started) / 1000;
    t.diagnostic(`L1: ${total} messages in ${seconds.toFixed(2)} s (${Math.round(total / seconds)} msg/s), event-loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms`);
  });
});
