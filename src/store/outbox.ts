/**
 * The outbox contract and its durability guarantee.
 *
 * Guarantee: a notification is in the outbox table, committed in the same SQLite
 * transaction as the route state that produced it and the history row of its event, before
 * the deliverer can see it. It leaves the table only when its output confirmed it (`ack`),
 * when it is given up (`bury`: moved to `dead_letters`), when an operator purges it, or when
 * the size bound drops it (lowest severity first, then oldest; recorded in `attempts` as
 * `dropped`). A crash at any point loses no committed notification: a record that was in
 * flight is simply due again after restart (leases live in memory only, and an interrupted
 * attempt is not counted), so delivery is at-least-once and only notifications in flight at
 * the crash can be repeated. With `synchronous: full` a commit also survives power loss;
 * with `normal` it survives a crash of the process but not necessarily of the machine.
 *
 * Record format (table `outbox`, see database.ts): id (the notification's ULID), channel,
 * severity rank (0 debug .. 4 critical), created_at, next_attempt_at (ms since the epoch,
 * wall clock, so schedules survive a restart), attempts (finished attempts), last error code
 * and message, body (the Notification as JSON). Settling (`ack`, `retry`, `bury`) is written
 * behind: with the pipeline's next commit or within 5 ms, and always before the next lease, so at most the
 * channel's concurrency is ever sent but not yet recorded (the crash-duplicate window).
 * Until it is written the record stays leased, so one process never sends it twice. A
 * failed write (disk full) is kept and retried.
 */
import type { Notification } from '../core/notification.js';

export interface DeliveryError {
  readonly code: string;
  readonly message: string;
}

export interface OutboxRecord {
  readonly notification: Notification;
  /** This attempt's number (finished attempts + 1). */
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastError?: DeliveryError;
}

export interface Outbox {
  /** True when records survive a restart; the deliverer then need not drain on stop. */
  readonly durable: boolean;
  /** Takes up to `limit` records of `channel` due at `now`, marking them in flight. */
  lease(channel: string, now: number, limit: number): OutboxRecord[];
  /** Delivered: removes the record. */
  ack(id: string): void;
  /** Failed temporarily: back to pending, due at `nextAttemptAt`. */
  retry(id: string, nextAttemptAt: number, error: DeliveryError): void;
  /** Failed for good: moved to the dead letters; `followUp` (if any) is enqueued with it. */
  bury(id: string, error: DeliveryError, followUp?: Notification): void;
  /** Pending and in-flight records of a channel (all channels when omitted). */
  depth(channel?: string): number;
  /** Earliest `nextAttemptAt` among records of a channel not in flight. */
  nextDue(channel: string): number | undefined;
  /** Channels that have records. */
  channels(): string[];
  /**
   * Sets the one listener told, after settled records were written, which channels may
   * have new due work (records written, a retry rescheduled, a "delivery failed" notice queued).
   */
  setSettledListener(listener: ((channels: readonly string[]) => void) | undefined): void;
  close(): void;
}
