/**
 * The flat view templates see (as Alertmanager's template Data): built-in keywords plus the
 * fields a rule extracted. Values are untrusted text; each output escapes for its context.
 */
import type { GatewayEvent } from './event.js';
import type { Notification, NotificationItem } from './notification.js';
import type { TemplateData } from './template.js';
import { copyFields } from './copy-fields.js';

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
  const data = copyFields<Record<string, string>>({}, fields);
  data.Host = event.host;
  data.Message = event.message;
  data.Category = c.category;
  data.Severity = c.severity;
  data.Rule = c.ruleId ?? '';
  data.EventId = event.id;
  data.Source = event.peer.address;
  data.Count = '1';
  return data;
}

function itemData(item: NotificationItem): Record<string, string> {
  const data = copyFields<Record<string, string>>({}, item.fields);
  data.Host = item.host;
  data.Message = item.message;
  data.Category = item.category;
  data.Severity = item.severity;
  data.Rule = item.ruleId ?? '';
  data.Title = item.title;
  data.EventId = item.eventId;
  return data;
}

/** Template data for rendering a notification (the first item's fields, notification totals). */
export function notificationData(n: Notification): TemplateData {
  const first = n.items[0];
  const data: Record<string, string> = first ? itemData(first) : {};
  data.Category = n.category;
  data.Severity = n.severity;
  data.Title = n.title;
  data.Count = String(n.count ?? n.items.length + n.suppressed);
  data.NotificationId = n.id;
  data.FirstSeen = new Date(n.firstSeen ?? first?.receivedAt ?? n.createdAt).toISOString();
  data.LastSeen = new Date(n.lastSeen ?? n.items.at(-1)?.receivedAt ?? n.createdAt).toISOString();
  return data;
}
