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

/** A record's fields with the built-ins every template view has, which win over a field of the same name. */
function withBuiltIns(
  fields: Readonly<Record<string, string>>,
  b: { host: string; message: string; category: string; severity: string; ruleId: string | null; eventId: string },
): Record<string, string> {
  const data = copyFields<Record<string, string>>({}, fields);
  data.Host = b.host;
  data.Message = b.message;
  data.Category = b.category;
  data.Severity = b.severity;
  data.Rule = b.ruleId ?? '';
  data.EventId = b.eventId;
  return data;
}

/** Template data while classifying one event (title, key and field templates). */
export function eventData(
  event: GatewayEvent,
  c: { ruleId: string | null; category: string; severity: string },
  fields: Readonly<Record<string, string>>,
): TemplateData {
  const data = withBuiltIns(fields, { host: event.host, message: event.message, category: c.category, severity: c.severity, ruleId: c.ruleId, eventId: event.id });
  data.Source = event.peer.address;
  data.Count = '1';
  return data;
}

function itemData(item: NotificationItem): Record<string, string> {
  const data = withBuiltIns(item.fields, item);
  data.Title = item.title;
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
