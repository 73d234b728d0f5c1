/**
 * Notification: what one channel must deliver. Self-contained and JSON-serializable, so the
 * outbox can persist it and an output can render it without reaching back into the pipeline.
 */
import type { Severity } from './severity.js';

/** A bounded copy of one event inside a notification. */
export interface NotificationItem {
  readonly eventId: string;
  readonly receivedAt: number;
  readonly host: string;
  readonly message: string;
  readonly ruleId: string | null;
  readonly category: string;
  readonly severity: Severity;
  readonly title: string;
  readonly fields: Readonly<Record<string, string>>;
}

export type NotificationKind = 'alert' | 'recovery' | 'repeat' | 'digest' | 'test';

export interface Notification {
  readonly id: string;
  readonly createdAt: number;
  readonly kind: NotificationKind;
  /** The channel (output) that must deliver it. */
  readonly channel: string;
  readonly routeIndex: number;
  readonly key: string;
  readonly severity: Severity;
  readonly category: string;
  readonly title: string;
  readonly items: readonly NotificationItem[];
  /** How many similar events were held back since the previous notification. */
  readonly suppressed: number;
}
