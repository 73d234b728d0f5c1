/**
 * A UDP socket read on its own thread (udp-receiver-thread.ts), for the UDP listeners. The
 * event loop gets the datagrams in batches and acknowledges each once the ingest queue has
 * room, so during a burst the datagrams wait in the thread's bounded buffer, not in the
 * kernel's (a few thousand datagrams, overrun while a batch is being classified and stored).
 * Should the thread end unexpectedly, it is started again on the same port.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../observe/logger.js';
import { forEachDatagram, monotonicMs } from './datagram-batch.js';
import type { BoundAddress, ListenerContext } from './listener.js';
import type { FromThread, ReceiverThreadData, Report, ToThread } from './udp-receiver-protocol.js';

export interface UdpReceiverOptions {
  readonly address: string;
  readonly port: number;
  readonly receiveBufferBytes: number;
  /** CIDRs allowed to send (checked on the thread, before a datagram takes buffer space); empty: all. */
  readonly allow?: readonly string[];
  /** Datagrams (payload plus 64 bytes each) the thread may hold for the event loop. */
  readonly bufferBytes: number;
  readonly log: Logger;
  /** Sees each thread started (tests end one to check the restart). */
  readonly onThread?: (thread: Worker) => void;
}

export interface UdpReceiverHandlers {
  /** One datagram; `ageMs`: how long ago the socket received it. Must not throw. */
  onDatagram(bytes: Buffer, address: string, port: number, ageMs: number): void;
  /** `n` datagrams did not fit in the thread's buffer and were dropped. */
  onDropped(n: number): void;
  /** The kernel dropped `n` datagrams: the socket's receive buffer was full (the thread pauses reading while its own is). */
  onKernelDropped(n: number): void;
  /** Datagrams waiting in the thread's buffer (reported with each batch and every second). */
  onBuffered(n: number): void;
  /** `n` datagrams came from outside the allow-list (the last of them from `peer`) and were dropped. */
  onRefused(n: number, peer: string): void;
  /** A socket error or a response that could not be sent (already worded). */
  onWarn(message: string, err: { code?: string; message: string }): void;
  /** The ingest queue can take more (else the batch is acknowledged from `onDrain`). */
  hasRoom(): boolean;
  onDrain(fn: () => void): void;
}

export interface UdpReceiver {
  addresses(): BoundAddress[];
  /** The kernel receive buffer actually granted. */
  readonly receiveBuffer: number;
  /** Sends from the listener's socket (SNMP responses). */
  send(bytes: Uint8Array, port: number, address: string): void;
  /** Closes the socket; datagrams already received are handed over first. */
  close(): Promise<void>;
}

/**
 * The handlers every UDP listener shares: drops and the backlog counted per listener,
 * warnings rate-limited, acknowledgements paced by the ingest queue.
 */
export function listenerHandlers(ctx: ListenerContext, listener: string, kind: 'syslog' | 'snmp'): Omit<UdpReceiverHandlers, 'onDatagram' | 'onRefused'> {
  const { metrics } = ctx;
  return {
    onDropped(n) {
      metrics.received.inc({ listener }, n);
      metrics.dropped.inc({ listener, reason: 'queue_full' }, n);
      ctx.warn('ERR_QUEUE_FULL', `${kind} burst buffer full; datagrams dropped`, { listener, dropped: n });
    },
    // Not counted as received: they never left the kernel (the thread's drops were read).
    onKernelDropped(n) {
      metrics.dropped.inc({ listener, reason: 'receive_buffer' }, n);
      ctx.warn('ERR_QUEUE_FULL', `${kind} socket receive buffer full; datagrams dropped by the kernel`, { listener, dropped: n });
    },
    onBuffered: (n) => metrics.buffered.set({ listener }, n),
    onWarn: (message, err) => ctx.warn('ERR_LISTENER_SOCKET', `${kind} ${message}`, { listener, err }),
    hasRoom: () => ctx.hasRoom(),
    onDrain: (fn) => ctx.onDrain(fn),
  };
}

/** Batches in flight to the event loop at most (of up to MAX_BATCH datagrams). */
const WINDOW = 4;
const RESTART_MS = [1000, 5000, 30_000];
const STOP_TIMEOUT_MS = 5000;

/**
 * The thread's garbage is one Buffer per datagram, dead at once: a small young generation
 * keeps it from adding tens of MB to the resident size under a flood (measured: 30 MB less).
 */
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 4 };

function startThread(data: ReceiverThreadData): Worker {
  const ts = import.meta.url.endsWith('.ts');
  const entry = new URL(ts ? './udp-receiver-thread.ts' : './udp-receiver-thread.js', import.meta.url);
  const options = { workerData: data, resourceLimits: THREAD_LIMITS };
  // Under tsx (tests, development) the thread registers the loader before importing its entry.
  return ts
    ? new Worker(`import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(entry.href)}); })`, { ...options, eval: true })
    : new Worker(entry, options);
}

export async function openUdpReceiver(o: UdpReceiverOptions, h: UdpReceiverHandlers): Promise<UdpReceiver> {
  let worker: Worker;
  let bound: { address: string; port: number; receiveBuffer: number } | undefined;
  let closing = false;
  let restarts = 0;
  let alive = false;

  function onReport(r: Report): void {
    if (r.dropped > 0) h.onDropped(r.dropped);
    if (r.kernelDropped > 0) h.onKernelDropped(r.kernelDropped);
    if (r.refused > 0) h.onRefused(r.refused, r.refusedPeer);
    h.onBuffered(r.queued);
  }

  function onBatch(w: Worker, m: Extract<FromThread, { type: 'batch' }>): void {
    onReport(m);
    const now = monotonicMs();
    try {
      forEachDatagram(m.batch, (bytes, address, port, stamp) => h.onDatagram(bytes, address, port, Math.max(0, Math.round(now - stamp))));
    } catch (err) {
      o.log.error({ err }, 'a datagram handler failed');
    }
    const ack = () => {
      if (w === worker && !closing) w.postMessage({ type: 'ack' } satisfies ToThread);
    };
    if (h.hasRoom()) ack();
    else h.onDrain(ack);
  }

  function launch(port: number): Promise<void> {
    const w = startThread({ address: o.address, port, receiveBufferBytes: o.receiveBufferBytes, allow: o.allow ?? [], bufferBytes: o.bufferBytes, window: WINDOW });
    worker = w;
    alive = true;
    o.onThread?.(w);
    return new Promise((resolve, reject) => {
      let started = false;
      w.on('message', (m: FromThread) => {
        switch (m.type) {
          case 'listening':
            started = true;
            bound = { address: m.address, port: m.port, receiveBuffer: m.receiveBuffer };
            resolve();
            break;
          case 'failed':
            reject(Object.assign(new Error(m.message), { code: m.code }));
            break;
          case 'batch':
            onBatch(w, m);
            break;
          case 'status':
            onReport(m);
            break;
          case 'warn':
            if (m.what === 'setup') o.log.warn({ code: m.code }, m.message);
            else h.onWarn(m.what === 'send' ? 'could not send a response' : 'socket error', m);
            break;
          case 'stopped':
            break;
        }
      });
      w.on('error', (err) => {
        if (!started) reject(err);
        else o.log.error({ err }, 'the receiving thread failed');
      });
      w.on('exit', (code) => {
        alive = false;
        if (!started) return reject(new Error(`the receiving thread exited with code ${code} before listening`));
        if (closing || w !== worker) return;
        o.log.error({ code }, 'the receiving thread ended (the datagrams it held are lost); starting it again');
        relaunch(bound?.port ?? port);
      });
    });
  }

  function relaunch(port: number): void {
    const wait = RESTART_MS[Math.min(restarts++, RESTART_MS.length - 1)]!;
    setTimeout(() => {
      if (closing) return;
      launch(port).then(() => (restarts = 0), (err: unknown) => {
        o.log.error({ err, retryInMs: RESTART_MS[Math.min(restarts, RESTART_MS.length - 1)] }, 'restarting the receiving thread failed');
        relaunch(port);
      });
    }, wait).unref();
  }

  await launch(o.port);
  return {
    addresses: () => (bound && !closing ? [{ protocol: 'udp', address: bound.address, port: bound.port }] : []),
    get receiveBuffer() {
      return bound?.receiveBuffer ?? 0;
    },
    send(bytes, port, address) {
      if (!closing) worker.postMessage({ type: 'send', bytes, port, address } satisfies ToThread);
    },
    async close() {
      if (closing) return;
      closing = true;
      const w = worker;
      if (!alive) return;
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage({ type: 'stop' } satisfies ToThread);
      const timeout = setTimeout(() => void w.terminate(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timeout);
    },
  };
}
