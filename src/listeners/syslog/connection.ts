/**
 * One accepted TCP or TLS syslog connection: frames its bytes, applies the per-source rate
 * limit, and hands each message to the pipeline. Reads only while the pipeline has room:
 * when the queue is full the socket is paused (its idle timer too) and resumed on drain,
 * so memory per connection stays bounded by one frame plus one socket chunk. Framing errors
 * close the connection; no error escapes a handler.
 */
import type { Socket } from 'node:net';
import type { Peer } from '../../core/event.js';
import type { ListenerContext } from '../listener.js';
import type { Decoder } from './charset.js';
import { createFramer, type FrameResult } from './framing.js';
import { ingestSyslog } from './normalize.js';

export interface ConnectionOptions {
  readonly listenerId: string;
  readonly maxFrame: number;
  /** 0 disables the idle timeout. */
  readonly idleTimeoutMs: number;
  readonly decode: Decoder;
  /** Per-source token bucket; undefined when the listener has no rate limit. */
  readonly rateLimit?: (source: string, nowMs: number) => boolean;
}

/** Serves `socket` until it ends or fails; `socket` must already be readable (TLS: after the handshake). */
export function serveConnection(ctx: ListenerContext, opts: ConnectionOptions, socket: Socket, peer: Peer): void {
  const { metrics } = ctx;
  const listener = opts.listenerId;
  const framer = createFramer(opts.maxFrame);
  let paused = false;
  let ended = false;
  let finished = false;
  let closed = false;

  function frame(bytes: Buffer): void {
    if (opts.rateLimit && !opts.rateLimit(peer.address, ctx.clock.monotonic())) {
      metrics.received.inc({ listener });
      metrics.dropped.inc({ listener, reason: 'rate_limited' });
      ctx.warn('ERR_SOURCE_RATE_LIMITED', 'syslog source over its rate limit; messages dropped', { listener, peer: peer.address });
      return;
    }
    ingestSyslog(ctx, listener, bytes, peer, opts.decode);
  }

  function failed(r: Extract<FrameResult, { kind: 'error' }>): void {
    metrics.received.inc({ listener });
    if (r.reason === 'oversize') {
      metrics.frameOversize.inc({ listener });
      metrics.dropped.inc({ listener, reason: 'oversize' });
      ctx.warn('ERR_SYSLOG_OVERSIZE', 'syslog frame larger than max_frame; connection closed', { listener, peer: peer.address, detail: r.detail });
    } else {
      metrics.malformed.inc({ listener, reason: 'framing' });
      metrics.dropped.inc({ listener, reason: 'framing' });
      ctx.warn('ERR_SYSLOG_FRAMING', 'invalid syslog framing; connection closed', { listener, peer: peer.address, detail: r.detail });
    }
    socket.destroy();
  }

  /** Stops reading until the pipeline has room again; frames already read stay in the framer. */
  function waitForRoom(): void {
    paused = true;
    metrics.connectionsPaused.inc({ listener });
    if (!closed) {
      socket.pause();
      if (opts.idleTimeoutMs > 0) socket.setTimeout(0);
    }
    ctx.onDrain(() => {
      paused = false;
      if (!closed && opts.idleTimeoutMs > 0) socket.setTimeout(opts.idleTimeoutMs);
      pump();
      if (!paused && !closed) socket.resume();
    });
  }

  /**
   * Hands complete frames to the pipeline while it has room. Runs on after the socket has
   * closed too, so frames read before a clean end are never lost to backpressure.
   */
  function pump(): void {
    try {
      for (;;) {
        if (!ctx.hasRoom()) {
          if (!paused) waitForRoom();
          return;
        }
        const r = framer.next();
        if (!r) break;
        if (r.kind === 'error') return failed(r);
        frame(r.bytes);
      }
      if (ended && !finished) {
        finished = true;
        const last = framer.end();
        if (last?.kind === 'error') return failed(last);
        if (last) frame(last.bytes);
      }
    } catch (err) {
      // Parsing is total and ingest counts its own failures; this guards the socket handler.
      ctx.log.error({ err, listener }, 'syslog connection handler failed; connection closed');
      socket.destroy();
    }
  }

  socket.on('data', (chunk: Buffer) => {
    framer.push(chunk);
    if (!paused) pump();
  });
  // A clean end: the last line may lack its LF. (A reset drops an incomplete frame.)
  socket.on('end', () => {
    ended = true;
    if (!paused) pump();
  });
  if (opts.idleTimeoutMs > 0) {
    socket.setTimeout(opts.idleTimeoutMs);
    socket.on('timeout', () => {
      ctx.log.debug({ listener, peer: peer.address }, 'idle syslog connection closed');
      socket.destroy();
    });
  }
  socket.on('error', (err: NodeJS.ErrnoException) => {
    // Resets and aborted TLS sessions are routine for syslog senders: debug, not warn.
    ctx.log.debug({ listener, peer: peer.address, code: err.code }, 'syslog connection error');
  });
  socket.on('close', () => {
    closed = true;
  });
  socket.resume();
}
