/**
 * The receiving thread of a UDP listener: it owns the socket and does nothing but read it,
 * so the kernel's buffer is drained however long the event loop is busy classifying and
 * storing. Datagrams wait here (bounded by `bufferBytes`) and go to the event loop in
 * batches, at most `window` unacknowledged. When the buffer is full the thread stops
 * reading until an eighth of it is free: an overload then fills the kernel's buffer and is
 * dropped there, where a drop costs no CPU, instead of being read only to be thrown away
 * (which took CPU from the event loop). Both kinds of drop are counted and reported. It also
 * sends what the listener asks it to (SNMP responses). Started by udp-receiver.ts.
 */
import type { Socket } from 'node:dgram';
import { parentPort, workerData } from 'node:worker_threads';
import { createAllowList } from '../core/cidr.js';
import { normalizeAddress } from '../core/net.js';
import { DatagramQueue, MAX_BATCH, monotonicMs, transferList } from './datagram-batch.js';
import { kernelDropReader } from './udp-kernel-drops.js';
import type { FromThread, ReceiverThreadData, Report, ToThread } from './udp-receiver-protocol.js';
import { bindUdpSocket, socketReading, type SocketReading } from './udp-socket.js';

const STATUS_MS = 1000;
const GATHER_MS = 1;
/**
 * Reading resumes once this share of the buffer is free again. While reading is stopped
 * the kernel's buffer takes what arrives and drops the rest, so waiting for more room would
 * drop more than reading on would; resuming at the first free byte would stop and start
 * reading for every batch.
 */
const RESUME_FREE = 1 / 8;

const parent = parentPort!;
const d = workerData as ReceiverThreadData;
const queue = new DatagramQueue(d.bufferBytes);
const allowed = createAllowList(d.allow);
let inFlight = 0;
let dropped = 0;
let kernelDropped = 0;
let refused = 0;
let refusedPeer = '';
let flushScheduled = false;
let stopping = false;
/** Stops the socket's reads while the buffer is full (undefined: this Node cannot). */
let reading: SocketReading | undefined;

const post = (m: FromThread, transfer?: ArrayBuffer[]) => parent.postMessage(m, transfer);
const describe = (err: unknown) => ({ code: (err as NodeJS.ErrnoException)?.code, message: String((err as Error)?.message ?? err) });

/**
 * Reading stops only when the buffer is this full: a datagram too big for what is left of a
 * buffer that is mostly free (a small `bufferBytes`) is dropped, and reading goes on.
 */
const nearlyFull = () => queue.bytes() > d.bufferBytes * (1 - RESUME_FREE);

/** The counts since the last report (and resets them). */
function report(): Report {
  const r = { dropped, kernelDropped, refused, refusedPeer, queued: queue.size() };
  dropped = 0;
  kernelDropped = 0;
  refused = 0;
  return r;
}

/** Sends batches while the window allows (all of them when stopping); packs the rest. */
function flush(): void {
  flushScheduled = false;
  for (;;) {
    if (!stopping && inFlight >= d.window) break;
    const batch = queue.take();
    if (!batch) break;
    inFlight++;
    post({ type: 'batch', batch, ...report() }, transferList(batch));
  }
  // What stays is packed now, so each waiting datagram costs its bytes, not a Buffer.
  queue.seal();
  if (reading && !reading.on && !stopping && !nearlyFull()) reading.resume();
}


/**
 * A full batch goes at once; otherwise datagrams gather for up to GATHER_MS, so a steady
 * stream crosses in a few hundred messages a second rather than one per datagram (each
 * costs the event loop a wakeup and a deserialization).
 */
function scheduleFlush(): void {
  if (flushScheduled) return;
  flushScheduled = true;
  if (queue.size() >= MAX_BATCH || stopping) setImmediate(flush);
  else setTimeout(flush, GATHER_MS);
}

function onMessage(socket: Socket, m: ToThread): void {
  if (m.type === 'ack') {
    inFlight--;
    // Only what waits needs a flush: at low rates most acks find nothing (a wakeup saved).
    if (queue.size() > 0) scheduleFlush();
  } else if (m.type === 'send') {
    socket.send(m.bytes, m.port, m.address, (err) => {
      if (err) post({ type: 'warn', what: 'send', ...describe(err) });
    });
  } else {
    stopping = true;
    socket.close(() => {
      flush();
      if (dropped > 0 || kernelDropped > 0 || refused > 0) post({ type: 'status', ...report() });
      post({ type: 'stopped' });
      parent.close();
    });
  }
}

async function main(): Promise<void> {
  let socket: Socket;
  try {
    socket = await bindUdpSocket({
      address: d.address, port: d.port, receiveBufferBytes: d.receiveBufferBytes,
      log: { warn: (fields, message) => post({ type: 'warn', what: 'setup', ...describe((fields as { err?: unknown }).err ?? fields), message }) },
    });
  } catch (err) {
    post({ type: 'failed', ...describe(err) });
    parent.close();
    return;
  }
  reading = socketReading(socket);
  socket.on('error', (err) => post({ type: 'warn', what: 'socket', ...describe(err) }));
  socket.on('message', (msg, rinfo) => {
    const source = normalizeAddress(rinfo.address);
    if (!allowed(source)) {
      refused++;
      refusedPeer = source;
      return;
    }
    if (!queue.push(msg, rinfo.address, rinfo.port, monotonicMs())) {
      dropped++;
      if (reading?.on && nearlyFull()) reading.pause();
    }
    scheduleFlush();
  });
  parent.on('message', (m: ToThread) => {
    try {
      onMessage(socket, m);
    } catch (err) {
      post({ type: 'warn', what: m.type === 'send' ? 'send' : 'socket', ...describe(err) });
    }
  });
  // Drops, refusals and the backlog go with each batch, and here while the event loop takes
  // none; the kernel's drops are read here, once a second.
  const a = socket.address();
  const kernelDrops = kernelDropReader(a.address, a.port);
  kernelDrops();
  let reportedQueued = 0;
  setInterval(() => {
    kernelDropped += kernelDrops() ?? 0;
    if (stopping || (dropped === 0 && kernelDropped === 0 && refused === 0 && queue.size() === reportedQueued)) return;
    reportedQueued = queue.size();
    post({ type: 'status', ...report() });
  }, STATUS_MS).unref();
  post({ type: 'listening', address: a.address, port: a.port, receiveBuffer: socket.getRecvBufferSize() });
}

void main();
