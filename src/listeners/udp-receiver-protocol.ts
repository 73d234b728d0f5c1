/**
 * The messages between a UDP listener (udp-receiver.ts, on the event loop) and its receiving
 * thread (udp-receiver-thread.ts). Flow control is a window: the thread has at most `window`
 * batches unacknowledged; the event loop acknowledges a batch once the ingest queue has room
 * for more, so a burst waits in the thread's bounded buffer instead of the kernel's.
 */
import type { DatagramBatch } from './datagram-batch.js';

export interface Report {
  readonly dropped: number;
  /** Dropped by the kernel (the socket's receive buffer was full), read once a second. */
  readonly kernelDropped: number;
  readonly refused: number;
  readonly refusedPeer: string;
  readonly queued: number;
}

export interface ReceiverThreadData {
  readonly address: string;
  readonly port: number;
  readonly receiveBufferBytes: number;
  /** CIDRs allowed to send; empty allows everyone. Refused datagrams never leave the thread. */
  readonly allow: readonly string[];
  /** The thread's buffer bound (payloads plus overhead), bytes. */
  readonly bufferBytes: number;
  /** Batches in flight to the event loop at most. */
  readonly window: number;
}

export type ToThread =
  | { readonly type: 'ack' }
  | { readonly type: 'send'; readonly bytes: Uint8Array; readonly port: number; readonly address: string }
  | { readonly type: 'stop' };

export type FromThread =
  | { readonly type: 'listening'; readonly address: string; readonly port: number; readonly receiveBuffer: number }
  | { readonly type: 'failed'; readonly code?: string; readonly message: string }
  /**
   * Since the last report: `dropped` (buffer full), `kernelDropped` (the socket's buffer
   * full), `refused` (outside the allow-list; the last such source in `refusedPeer`);
   * `queued`: still waiting.
   */
  | ({ readonly type: 'batch'; readonly batch: DatagramBatch } & Report)
  | ({ readonly type: 'status' } & Report)
  | { readonly type: 'warn'; readonly what: 'setup' | 'socket' | 'send'; readonly code?: string; readonly message: string }
  | { readonly type: 'stopped' };
