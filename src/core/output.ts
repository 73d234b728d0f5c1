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

/** What `verify` found, in plain words (`eventgate check --verify-outputs`). */
export interface Verified {
  readonly ok: boolean;
  readonly detail: string;
}

export interface Output {
  readonly id: string;
  readonly type: string;
  send(notification: Notification, signal: AbortSignal): Promise<Delivery>;
  /**
   * Checks, without sending anything, that a send could succeed: the peer answers, TLS and
   * credentials are accepted, the program can be run. Should not throw.
   */
  verify?(signal: AbortSignal): Promise<Verified>;
  close(): Promise<void>;
}
