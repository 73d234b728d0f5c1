/**
 * The Output contract: every channel type implements it. `send` reports one of three
 * outcomes (as Fluent Bit's OK/RETRY/ERROR); it should not throw, and a throw is treated by
 * the deliverer as a bug and retried.
 */
import type { GatewayError } from './errors.js';
import type { Notification } from './notification.js';

/** `detail` says what the receiver answered or the program printed (bounded; for the log and history). */
export type Delivery =
  | { readonly status: 'sent'; readonly detail?: string }
  | { readonly status: 'retry'; readonly error: GatewayError; readonly retryAfterMs?: number; readonly detail?: string }
  | { readonly status: 'failed'; readonly error: GatewayError; readonly detail?: string };

export interface Output {
  readonly id: string;
  readonly type: string;
  send(notification: Notification, signal: AbortSignal): Promise<Delivery>;
  close(): Promise<void>;
}
