/**
 * The receiving thread's queue and batch format: datagrams come out as they went in (bytes,
 * source, time, order), batches hold at most MAX_BATCH, the byte bound refuses what does not
 * fit and frees what was taken. Property-based over random sizes and sequences.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DATAGRAM_OVERHEAD, DatagramQueue, MAX_BATCH, forEachDatagram, transferList, type DatagramBatch } from '../../../src/listeners/datagram-batch.js';

interface Sent { bytes: number[]; address: string; port: number; stamp: number }

function drain(q: DatagramQueue): { out: Sent[]; batches: DatagramBatch[] } {
  const out: Sent[] = [];
  const batches: DatagramBatch[] = [];
  for (let b = q.take(); b; b = q.take()) {
    batches.push(b);
    forEachDatagram(b, (bytes, address, port, stamp) => out.push({ bytes: [...bytes], address, port, stamp }));
  }
  return { out, batches };
}

const datagram = fc.record({
  bytes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 300 }),
  address: fc.constantFrom('127.0.0.1', '::1', '::ffff:10.1.2.3', 'fe80::1%lo'),
  port: fc.integer({ min: 1, max: 65535 }),
  stamp: fc.double({ min: 0, max: 1e9, noNaN: true }),
});

describe('DatagramQueue', () => {
  it('gives back every datagram it accepted, in order, in batches of at most MAX_BATCH; refuses only what exceeds the bound', () => {
    fc.assert(fc.property(
      fc.array(fc.oneof({ weight: 8, arbitrary: datagram.map((d) => ({ push: d })) }, { weight: 1, arbitrary: fc.constant({ seal: true }) },
        { weight: 1, arbitrary: fc.constant({ take: true }) }), { maxLength: 700 }),
      fc.integer({ min: 0, max: 40_000 }),
      (ops, limit) => {
        const q = new DatagramQueue(limit);
        const accepted: Sent[] = [];
        const out: Sent[] = [];
        let held = 0;
        for (const op of ops) {
          if ('push' in op) {
            const d = op.push;
            const cost = d.bytes.length + DATAGRAM_OVERHEAD;
            const ok = q.push(Uint8Array.from(d.bytes), d.address, d.port, d.stamp);
            assert.equal(ok, held + cost <= limit, 'accepted exactly when it fits');
            if (ok) {
              accepted.push({ ...d });
              held += cost;
            }
          } else if ('seal' in op) {
            q.seal();
          } else {
            const b = q.take();
            if (b) {
              assert.ok(b.ends.length >= 1 && b.ends.length <= MAX_BATCH);
              forEachDatagram(b, (bytes, address, port, stamp) => {
                out.push({ bytes: [...bytes], address, port, stamp });
                held -= bytes.length + DATAGRAM_OVERHEAD;
              });
            }
          }
          assert.equal(q.bytes(), held);
          assert.equal(q.size(), accepted.length - out.length);
        }
        const rest = drain(q);
        for (const b of rest.batches) assert.ok(b.ends.length <= MAX_BATCH);
        assert.deepEqual([...out, ...rest.out], accepted);
        assert.equal(q.bytes(), 0);
        assert.equal(q.size(), 0);
      },
    ), { numRuns: 300 });
  });

  it('copies the datagrams when packing: a receive buffer reused after push does not change what was queued', () => {
    const q = new DatagramQueue(1 << 20);
    const buf = Buffer.from('first');
    q.push(buf, '127.0.0.1', 514, 1);
    q.seal();
    buf.write('XXXXX');
    const { out } = drain(q);
    assert.equal(Buffer.from(out[0]!.bytes).toString(), 'first');
  });

  it('a batch transfers to another thread whole (its buffers detach on the sender side)', async () => {
    const q = new DatagramQueue(1 << 20);
    for (let i = 0; i < 3; i++) q.push(Buffer.from(`m${i}`), '127.0.0.1', 1000 + i, i);
    const b = q.take()!;
    const { port1, port2 } = new MessageChannel();
    const got = new Promise<DatagramBatch>((resolve) => port2.once('message', (m: DatagramBatch) => resolve(m)));
    port1.postMessage(b, transferList(b));
    const r = await got;
    port1.close();
    assert.equal(b.data.byteLength, 0, 'detached: transferred, not copied');
    const seen: string[] = [];
    forEachDatagram(r, (bytes, address, port, stamp) => seen.push(`${bytes}|${address}|${port}|${stamp}`));
    assert.deepEqual(seen, ['m0|127.0.0.1|1000|0', 'm1|127.0.0.1|1001|1', 'm2|127.0.0.1|1002|2']);
  });
});
