/**
 * The flat view templates see (as Alertmanager's template Data): built-in keywords plus the
 * fields a rule extracted. Values are untrusted text; each output escapes for its context.
 */
import type { GatewayEvent } from './event.js';
import type { Notification, NotificationItem } from './notification.js';
import type { TemplateData } from './template.js';

/** Default fields every classified event carries unless the rule sets them. */
export function defaultFields(event: GatewayEvent): Record<string, string> {
  const out: Record<string, string> = {
    ComputerName: event.host,
    TimeStamp: event.syslog?.timestamp ?? new Date(event.receivedAt).toISOString(),
  };
  const program = event.syslog?.appName;
  if (program) out.ProgramName = program;
  return out;
}

/** Template data while classifying one event (title, key and field templates). */
export function eventData(
  event: GatewayEvent,
  c: { ruleId: string | null; category: string; severity: string },
  fields: Readonly<Record<string, string>>,
): TemplateData {
  return {
    ...fields,
    Host: event.host,
    Message: event.message,
    Category: c.category,
    Severity: c.severity,
    Rule: c.ruleId ?? '',
    EventId: event.id,
    Source: event.peer.address,
    Count: '1',
  };
}

function itemData(item: NotificationItem): Record<string, string> {
  return {
    ...item.fields,
    Host: item.host,
    Message: item.message,
    Category: item.category,
    Severity: item.severity,
    Rule: item.ruleId ?? '',
    Title: item.title,
    EventId: item.eventId,
  };
}

/** Template data for rendering a notification (the first item's fields, notification totals). */
export function notificationData(n: Notification): TemplateData {
  const first = n.items[0];
  return {
    ...(first ? itemData(first) : {}),
    Category: n.category,
    Severity: n.severity,
    Title: n.title,
    Count: String(n.count ?? n.items.length + n.suppressed),
    NotificationId: n.id,
    FirstSeen: new Date(n.firstSeen ?? first?.receivedAt ?? n.createdAt).toISOString(),
    LastSeen: new Date(n.lastSeen ?? n.items.at(-1)?.receivedAt ?? n.createdAt).toISOString(),
  };
}
