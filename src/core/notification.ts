/**
 * Notification: what one channel must deliver. Self-contained and JSON-serializable, so the
 * outbox can persist it and an output can render it without reaching back into the pipeline.
 */
import type { Severity } from './severity.js';

/** One varbind of an original trap, as the listener decoded it (see TrapVarbind). */
export interface NotificationTrapVarbind {
  readonly oid: string;
  readonly type: string;
  readonly value: string;
  /** OctetString/Opaque: whether `value` is the text or the hex of the bytes. */
  readonly encoding?: 'text' | 'hex';
}

/** A bounded copy of the original trap of a trap event, for outputs that relay it. */
export interface NotificationTrap {
  readonly version: 'v1' | 'v2c' | 'v3';
  /** Numeric notification OID (SNMPv2 form; RFC 3584 for v1). */
  readonly trapOid: string;
  /** The sender's sysUpTime.0 in hundredths of a second, when known. */
  readonly uptime?: number;
  /** Every varbind except sysUpTime.0 and snmpTrapOID.0, at most MAX_RELAY_VARBINDS. */
  readonly varbinds: readonly NotificationTrapVarbind[];
  readonly omitted?: number;
}

/** Varbinds a NotificationTrap keeps; a longer trap keeps its first ones and counts the rest in `omitted`. */
export const MAX_RELAY_VARBINDS = 256;

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
  /** Address the event came from (the listener's peer). */
  readonly source?: string;
  /** The original trap, for trap events. */
  readonly trap?: NotificationTrap;
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
