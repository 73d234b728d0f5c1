/**
 * Building notifications and their items. Items are bounded copies of events, so a stored
 * notification never grows with a hostile message. Pure apart from the id factory.
 */
import type { Classified } from '../core/classification.js';
import type { Notification, NotificationItem, NotificationKind } from '../core/notification.js';
import { severityRank, type Severity } from '../core/severity.js';
import { truncate } from '../core/text.js';
import type { Target } from './policy.js';
import { trapCopy } from './trap-copy.js';

const MESSAGE_MAX = 4096;
const FIELD_MAX = 1024;
const FIELDS_MAX = 64;

export function itemOf({ event, classification: c }: Classified): NotificationItem {
  const fields: Record<string, string> = {};
  let n = 0;
  for (const [k, v] of Object.entries(c.fields)) {
    if (n++ >= FIELDS_MAX) break;
    fields[k] = truncate(v, FIELD_MAX);
  }
  return {
    eventId: event.id, receivedAt: event.receivedAt, host: event.host, message: truncate(event.message, MESSAGE_MAX),
    ruleId: c.ruleId, category: c.category, severity: c.severity, title: c.title, fields,
    ...(event.peer.address ? { source: event.peer.address } : {}),
    ...(event.trap ? { trap: trapCopy(event.trap) } : {}),
  };
}


export interface NotificationBody {
  readonly key: string;
  readonly severity: Severity;
  readonly category: string;
  readonly title: string;
  readonly items: readonly NotificationItem[];
  readonly suppressed?: number;
  readonly count?: number;
  readonly firstSeen?: number;
  readonly lastSeen?: number;
}

export function buildNotification(kind: NotificationKind, target: Target, body: NotificationBody, now: number, newId: () => string): Notification {
  const s = target.settings;
  return {
    id: newId(), createdAt: now, kind, channel: target.channel, routeIndex: target.routeIndex,
    key: body.key, severity: body.severity, category: body.category, title: body.title, items: body.items,
    suppressed: body.suppressed ?? 0,
    ...(body.count !== undefined ? { count: body.count } : {}),
    ...(body.firstSeen !== undefined ? { firstSeen: body.firstSeen } : {}),
    ...(body.lastSeen !== undefined ? { lastSeen: body.lastSeen } : {}),
    ...(s.subject !== undefined ? { subject: s.subject } : {}),
    ...(s.template !== undefined ? { template: s.template } : {}),
  };
}

/** The most severe of several severities. */
export function maxSeverity(list: Iterable<Severity>): Severity {
  let best: Severity = 'debug';
  for (const s of list) if (severityRank(s) > severityRank(best)) best = s;
  return best;
}

/** "a (3), b (2)" for the largest counts. */
export function topList(counts: Readonly<Record<string, number>>, n = 5): string {
  return Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, n).map(([k, v]) => `${k} (${v})`).join(', ');
}
