/**
 * Notification: what one channel must deliver. Self-contained and JSON-serializable, so the
 * outbox can persist it and an output can render it without reaching back into the pipeline.
 */
import type { Severity } from './severity.js';

/** One varbind of an original trap: the fields of TrapVarbind that re-encoding it needs. */
export interface NotificationTrapVarbind {
  readonly oid: string;
  readonly type: string;
  readonly value: string;
  /** OctetString/Opaque: whether `value` is the text or the hex of the bytes. */
  readonly encoding?: 'text' | 'hex';
  /** The listener cut `value` at its per-value bound: it is not the bytes received. */
  readonly truncated?: true;
}

/**
 * A bounded copy of the original trap of a trap event, for outputs that relay it. Its size
 * follows the event's, which the listener bounds (one datagram, at most MAX_VARBINDS
 * varbinds of at most MAX_VALUE_CHARS each: src/listeners/snmp/normalize.ts).
 */
export interface NotificationTrap {
  readonly version: 'v1' | 'v2c' | 'v3';
  /** Numeric notification OID (SNMPv2 form; RFC 3584 for v1). */
  readonly trapOid: string;
  /** The sender's sysUpTime.0 in hundredths of a second, when known. */
  readonly uptime?: number;
  /** Every varbind except sysUpTime.0 and snmpTrapOID.0, in order, at most MAX_RELAY_VARBINDS. */
  readonly varbinds: readonly NotificationTrapVarbind[];
  /** Varbinds of the trap as received that are not in `varbinds` (left out by the listener or this copy). */
  readonly omitted?: number;
}

/**
 * Varbinds a NotificationTrap keeps: as many as the SNMP listener keeps per event (a unit
 * test holds the two equal), so a trap the listener kept whole is copied whole.
 */
export const MAX_RELAY_VARBINDS = 1000;

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

/**
 * alert: a new event or problem; recovery: a notified problem cleared; repeat: an open problem
 * re-notified, or repeats folded by dedup; digest: several items at once; summary: what a
 * limit held back; failed: another channel gave up a notification; test: test-notify.
 */
export type NotificationKind = 'alert' | 'recovery' | 'repeat' | 'digest' | 'summary' | 'failed' | 'test';

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
  /** Occurrences this notification stands for (dedup, repeat); default items + suppressed. */
  readonly count?: number;
  /** First and last occurrence (ms since the epoch) of what it stands for. */
  readonly firstSeen?: number;
  readonly lastSeen?: number;
  /** Per-route template overrides (sources, validated at config load). */
  readonly subject?: string;
  readonly template?: string;
}
