/**
 * A UDP socket read on its own thread, with real loopback datagrams: the socket is drained
 * while the event loop is blocked (a small kernel buffer would overflow otherwise), datagrams
 * wait for room in order and carry their age, the byte bound drops and counts, closing hands
 * over what the thread holds, a thread that dies is started again on the same port, and
 * responses go out from the listener's socket.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { after, describe, it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { createLogger } from '../../../src/observe/logger.js';
import { DATAGRAM_OVERHEAD } from '../../../src/listeners/datagram-batch.js';
import { openUdpReceiver, type UdpReceiver, type UdpReceiverHandlers } from '../../../src/listeners/udp-receiver.js';
import { udpDrops } from '../../../bench/lib/proc.js';
import { waitFor } from '../../helpers/wait.js';

const log = createLogger({ level: 'silent' });
const opened: UdpReceiver[] = [];
const sockets: Socket[] = [];
after(async () => {
  for (const r of opened) await r.close();
  for (const s of sockets) s.close();
});

/** A receiver whose handlers record what arrives; `room` gates acknowledgements. */
async function receiver(opts: { bufferBytes?: number; receiveBufferBytes?: number; allow?: string[]; onThread?: (w: Worker) => void } = {}) {
  const got: { text: string; port: number; ageMs: number }[] = [];
  let dropped = 0;
  let kernelDropped = 0;
  let buffered = 0;
  const refused = { n: 0, peer: '' };
  let room = true;
  let drainers: (() => void)[] = [];
  const handlers: UdpReceiverHandlers = {
    onDatagram: (bytes, _address, port, ageMs) => void got.push({ text: bytes.toString(), port, ageMs }),
    onDropped: (n) => void (dropped += n),
    onKernelDropped: (n) => void (kernelDropped += n),
    onBuffered: (n) => void (buffered = n),
    onRefused: (n, peer) => Object.assign(refused, { n: refused.n + n, peer }),
    onWarn: () => {},
    hasRoom: () => room,
    onDrain: (fn) => void drainers.push(fn),
  };
  const r = await openUdpReceiver({
    address: '127.0.0.1', port: 0, receiveBufferBytes: opts.receiveBufferBytes ?? 1 << 20, bufferBytes: opts.bufferBytes ?? 8 << 20, log,
    ...(opts.onThread ? { onThread: opts.onThread } : {}),
    ...(opts.allow ? { allow: opts.allow } : {}),
  }, handlers);
  opened.push(r);
  return {
    r,
    port: r.addresses()[0]!.port,
    got,
    get dropped() { return dropped; },
    get kernelDropped() { return kernelDropped; },
    get buffered() { return buffered; },
    refused,
    block() { room = false; },
    release() {
      room = true;
      const d = drainers;
      drainers = [];
      for (const fn of d) fn();
    },
  };
}

async function sendAll(port: number, messages: string[]): Promise<void> {
  const s = createSocket('udp4');
  sockets.push(s);
  for (let i = 0; i < messages.length; i++) {
    await new Promise<void>((resolve, reject) => s.send(messages[i]!, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
    if (i % 50 === 49) await new Promise((r) => setImmediate(r));
  }
}

const seq = (n: number, prefix = 'm') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('UDP receiving thread', () => {
  it('drains the socket while the event loop is blocked: 5,000 datagrams (5 MB of kernel buffer) through a 256 KiB one, none lost, in order', async () => {
    const rx = await receiver({ receiveBufferBytes: 256 << 10 });
    const N = 5000;
    // A separate process sends, paced, while this thread's event loop is busy for 1.5 s.
    const sender = spawn(process.execPath, ['-e', `
      const s = require('node:dgram').createSocket('udp4');
      const pad = 'x'.repeat(150);
      let i = 0;
      console.log('ready');
      setTimeout(function burst() {
        for (let k = 0; k < 50 && i < ${N}; k++, i++) s.send('s' + i + ' ' + pad, ${rx.port}, '127.0.0.1');
        if (i < ${N}) setTimeout(burst, 5); else setTimeout(() => s.close(), 200);
      }, 100);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await once(sender.stdout!, 'data');
    const end = performance.now() + 1500;
    while (performance.now() < end) { /* the event loop is busy classifying, say */ }
    await once(sender, 'exit');
    await waitFor(() => rx.got.length >= N, () => `${rx.got.length} of ${N} datagrams`);
    assert.deepEqual(rx.got.map((g) => g.text.split(' ')[0]), seq(N, 's'));
    assert.equal(rx.dropped, 0);
    assert.equal(udpDrops(rx.port) ?? 0, 0, 'no kernel receive-buffer drops');
    assert.ok(rx.got.some((g) => g.ageMs >= 300), 'datagrams that waited report their age');
  });

  it('holds datagrams while the ingest queue is full and delivers them all, in order, once it has room', async () => {
    const rx = await receiver();
    rx.block();
    await sendAll(rx.port, seq(3000));
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(rx.got.length <= 4 * 256, `at most the window before room: ${rx.got.length}`);
    await waitFor(() => rx.buffered === 3000 - rx.got.length, () => `the backlog reported: ${rx.buffered} (delivered ${rx.got.length})`, 3000);
    const waited = rx.got.length;
    rx.release();
    await waitFor(() => rx.got.length === 3000, () => `${rx.got.length} of 3000 (kernel drops ${udpDrops(rx.port)}, dropped ${rx.dropped})`);
    assert.deepEqual(rx.got.map((g) => g.text), seq(3000));
    assert.equal(rx.buffered, 0, 'the backlog reported empty again');
    assert.ok(rx.got.slice(waited).every((g) => g.ageMs >= 250), 'held datagrams are as old as the wait');
  });

  it('stops reading while its buffer is full, so the kernel drops the overload; everything sent is delivered or counted', async () => {
    // Room for 50 datagrams in the thread, and a small socket buffer (the kernel doubles it).
    const rx = await receiver({ bufferBytes: 50 * (100 + DATAGRAM_OVERHEAD), receiveBufferBytes: 32 * 1024 });
    rx.block();
    const N = 2000;
    await sendAll(rx.port, seq(N).map((m) => m.padEnd(100, '.')));
    // The kernel's drops are read once a second.
    await waitFor(() => rx.kernelDropped > 0, () => `kernel drops reported: ${rx.kernelDropped} (socket ${udpDrops(rx.port)})`, 3000);
    // Paused at the first datagram that did not fit: the thread itself read and dropped at
    // most what one read of the socket returns, not the overload.
    assert.ok(rx.dropped <= 64, `the thread dropped ${rx.dropped}`);
    const before = rx.got.length;
    rx.release();
    await waitFor(() => rx.got.length + rx.dropped + rx.kernelDropped === N, () => `${rx.got.length} delivered + ${rx.dropped} + ${rx.kernelDropped} (kernel) dropped of ${N}`, 5000);
    const numbers = rx.got.map((g) => Number(g.text.slice(1, g.text.indexOf('.'))));
    assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b), 'what is delivered keeps its order');
    // The thread held 50: more came after the release, from the socket's buffer, so reading resumed.
    assert.ok(rx.got.length - before > 50, `delivered after the release: ${rx.got.length - before}`);
  });

  it('a datagram too big for a mostly free buffer is dropped and reading goes on', async () => {
    // Room for the 20 small ones below, not for one of 2,000 bytes.
    const rx = await receiver({ bufferBytes: 20 * (4 + DATAGRAM_OVERHEAD) + 64 });
    await sendAll(rx.port, ['x'.repeat(2000)]);
    await waitFor(() => rx.dropped === 1, () => `the big one dropped: ${rx.dropped}`, 3000);
    await sendAll(rx.port, seq(20));
    await waitFor(() => rx.got.length === 20, () => `${rx.got.length} of 20 small ones after it`, 3000);
    assert.equal(rx.dropped, 1);
    assert.equal(rx.kernelDropped, 0);
  });

  it('closing hands over every datagram the thread holds before it resolves', async () => {
    const rx = await receiver();
    rx.block();
    await sendAll(rx.port, seq(1500));
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(rx.got.length < 1500);
    await rx.r.close();
    assert.equal(rx.got.length, 1500);
    assert.deepEqual(rx.r.addresses(), []);
  });

  it('a thread that ends is started again on the same port', async () => {
    const threads: Worker[] = [];
    const rx = await receiver({ onThread: (w) => threads.push(w) });
    await sendAll(rx.port, ['before']);
    await waitFor(() => rx.got.length === 1, 'the first datagram');
    await threads[0]!.terminate();
    await waitFor(() => threads.length === 2 && rx.r.addresses().length === 1, 'a second thread', 5000);
    await waitFor(async () => {
      await sendAll(rx.port, ['after']);
      return rx.got.some((g) => g.text === 'after');
    }, 'a datagram through the new thread', 5000, 100);
  });

  it('refuses sources outside the allow-list on the thread: counted with the peer, never delivered or buffered', async () => {
    const outside = await receiver({ allow: ['10.0.0.0/8', '2001:db8::/32'] });
    await sendAll(outside.port, seq(500));
    await waitFor(() => outside.refused.n === 500, () => `refused ${outside.refused.n} of 500`, 5000);
    assert.equal(outside.refused.peer, '127.0.0.1');
    assert.equal(outside.got.length, 0);
    assert.equal(outside.dropped, 0);
    const inside = await receiver({ allow: ['127.0.0.0/8'] });
    await sendAll(inside.port, seq(10));
    await waitFor(() => inside.got.length === 10, () => `${inside.got.length} of 10 from an allowed source`);
    assert.equal(inside.refused.n, 0);
  });

  it('fails to open on a port in use, naming the error', async () => {
    const rx = await receiver();
    await assert.rejects(openUdpReceiver({ address: '127.0.0.1', port: rx.port, receiveBufferBytes: 65536, bufferBytes: 1 << 20, log }, {
      onDatagram: () => {}, onDropped: () => {}, onKernelDropped: () => {}, onBuffered: () => {}, onRefused: () => {}, onWarn: () => {}, hasRoom: () => true, onDrain: () => {},
    }), (err: NodeJS.ErrnoException) => err.code === 'EADDRINUSE');
  });

  it('sends responses from the listening socket (its port is the source)', async () => {
    const rx = await receiver();
    const peer = createSocket('udp4');
    sockets.push(peer);
    await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', () => resolve()));
    const reply = once(peer, 'message') as Promise<[Buffer, { port: number }]>;
    rx.r.send(Buffer.from('ack'), peer.address().port, '127.0.0.1');
    const [bytes, rinfo] = await reply;
    assert.equal(bytes.toString(), 'ack');
    assert.equal(rinfo.port, rx.port);
  });
});
