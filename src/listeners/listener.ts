/**
 * The listener contract and the context every listener is built with. A listener owns its
 * sockets, framing and parsing; it hands each GatewayEvent to `emit` and never waits on
 * anything downstream. No error may escape a socket handler.
 */
import type { Clock } from '../core/clock.js';
import type { GatewayEvent } from '../core/event.js';
import type { Logger } from '../observe/logger.js';
import type { Metrics } from '../observe/metrics.js';
import type { RateLimitedWarn } from '../observe/rate-limited.js';

export interface ListenerContext {
  readonly log: Logger;
  readonly warn: RateLimitedWarn;
  readonly clock: Clock;
  readonly metrics: Metrics;
  newId(): string;
  /** Hands an event to the pipeline. Returns false when the ingest queue is full (event dropped). */
  emit(event: GatewayEvent): boolean;
  /** True while `emit` would accept an event; stream listeners stop reading when false. */
  hasRoom(): boolean;
  /** Calls `fn` once when the ingest queue has room again (for resuming paused sockets). */
  onDrain(fn: () => void): void;
}

export interface BoundAddress {
  readonly protocol: string;
  readonly address: string;
  readonly port: number;
}

export interface Listener {
  readonly id: string;
  /** Binds the sockets; rejects when binding fails. */
  start(): Promise<void>;
  /** Closes the sockets; resolves when they are closed. */
  stop(): Promise<void>;
  /** The addresses actually bound (port 0 resolved). */
  addresses(): BoundAddress[];
}
