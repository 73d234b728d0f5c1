/**
 * The outbox contract. A notification is written here before any delivery attempt and
 * leaves only when its output confirmed it (`ack`) or it is given up (`bury`, dead letter).
 * `lease` hands out due records and marks them in flight so two workers never send one
 * record at once; a record leased but never settled (a crash) is due again on the next open.
 * Times are wall-clock milliseconds, since they must survive a restart.
 */
import type { Notification } from '../core/notification.js';

export interface DeliveryError {
  readonly code: string;
  readonly message: string;
}

export interface OutboxRecord {
  readonly notification: Notification;
  /** Attempts made so far. */
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastError?: DeliveryError;
}

export interface Outbox {
  /** Stores notifications durably (as durable as the backend is) before returning. */
  enqueue(notifications: readonly Notification[]): void;
  /** Takes up to `limit` records of `channel` due at `now`, marking them in flight. */
  lease(channel: string, now: number, limit: number): OutboxRecord[];
  /** Delivered: removes the record. */
  ack(id: string): void;
  /** Failed temporarily: back to pending, due at `nextAttemptAt`. */
  retry(id: string, nextAttemptAt: number, error: DeliveryError): void;
  /** Failed for good: moved to the dead letters. */
  bury(id: string, error: DeliveryError): void;
  /** Pending and in-flight records of a channel (all channels when omitted). */
  depth(channel?: string): number;
  /** Earliest `nextAttemptAt` among pending records of a channel. */
  nextDue(channel: string): number | undefined;
  /** Channels that have pending records. */
  channels(): string[];
  close(): void;
}
