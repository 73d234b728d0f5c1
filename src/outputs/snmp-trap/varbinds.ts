/**
 * The EVENTGATE-MIB notification of one eventgate Notification: which notification type, and
 * every object of its OBJECTS clause in order (mibs/EVENTGATE-MIB.txt). Pure. Text is made
 * one printable line (control characters escaped) and cut to the object's SIZE in octets at
 * a UTF-8 character boundary, so receivers never see a value the MIB forbids.
 */
import type { Notification } from '../../core/notification.js';
import { SEVERITIES } from '../../core/severity.js';
import { escapeControls } from '../../core/text.js';

/** SMI types as net-snmp numbers them (the BER tags). */
export const SMI = {
  Boolean: 1, Integer: 2, OctetString: 4, Null: 5, OID: 6, IpAddress: 64, Counter32: 65, Gauge32: 66,
  TimeTicks: 67, Opaque: 68, Counter64: 70,
} as const;

export interface SnmpVarbind {
  readonly oid: string;
  readonly type: number;
  readonly value: unknown;
}

/** A notification ready to send: its OID (SNMPv2 form), sysUpTime, and the varbinds after the first two. */
export interface SnmpNotification {
  readonly trapOid: string;
  readonly uptime?: number;
  readonly varbinds: readonly SnmpVarbind[];
}

/** Notification arcs under `<enterprise>.0`; a category not listed (and `other`) is egOtherEvent. */
export const NOTIFICATION_ARCS: Readonly<Record<string, number>> = {
  'system-status': 1, update: 2, virus: 3, 'smart-protection': 4, 'virtual-analyzer': 5, other: 6,
};
export const RECOVERY_ARC = 7;

type ObjectKind = 'text' | 'severity' | 'time' | 'count';

/** Every object of every notification, in OBJECTS order: its arc under `<enterprise>.1` and, for text, its SIZE. */
export const MIB_OBJECTS = [
  { name: 'egEventId', arc: 1, kind: 'text', size: 64 },
  { name: 'egNotificationId', arc: 2, kind: 'text', size: 64 },
  { name: 'egCategory', arc: 3, kind: 'text', size: 64 },
  { name: 'egSeverity', arc: 4, kind: 'severity' },
  { name: 'egHost', arc: 5, kind: 'text', size: 255 },
  { name: 'egSourceAddress', arc: 6, kind: 'text', size: 64 },
  { name: 'egProduct', arc: 7, kind: 'text', size: 255 },
  { name: 'egTitle', arc: 8, kind: 'text', size: 255 },
  { name: 'egMessage', arc: 9, kind: 'text', size: 1024 },
  { name: 'egTime', arc: 10, kind: 'time' },
  { name: 'egCount', arc: 11, kind: 'count' },
  { name: 'egComputerName', arc: 12, kind: 'text', size: 255 },
  { name: 'egVirusName', arc: 13, kind: 'text', size: 255 },
  { name: 'egInfectedObject', arc: 14, kind: 'text', size: 1024 },
  { name: 'egProgram', arc: 15, kind: 'text', size: 255 },
  { name: 'egScanner', arc: 16, kind: 'text', size: 255 },
  { name: 'egErrorDescription', arc: 17, kind: 'text', size: 1024 },
  { name: 'egRule', arc: 18, kind: 'text', size: 64 },
] as const satisfies readonly { name: string; arc: number; kind: ObjectKind; size?: number }[];

type MibObjectName = (typeof MIB_OBJECTS)[number]['name'];

const ELLIPSIS = Buffer.from('…', 'utf8');

/**
 * Text for an EgText object: control characters other than TAB escaped, then at most
 * `maxBytes` octets of UTF-8, cut at a character boundary and marked with an ellipsis.
 */
export function mibText(text: string, maxBytes: number): Buffer {
  const bytes = Buffer.from(escapeControls(text), 'utf8');
  if (bytes.length <= maxBytes) return bytes;
  let end = Math.max(0, maxBytes - ELLIPSIS.length);
  // Step back over continuation bytes (10xxxxxx) so no character is split.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return Buffer.concat([bytes.subarray(0, end), ELLIPSIS]);
}

/** DateAndTime (SNMPv2-TC), 11 octets, in UTC: year, month, day, hour, minute, second, decisecond, '+', 0, 0. */
export function dateAndTime(ms: number): Buffer {
  const d = new Date(ms);
  const b = Buffer.alloc(11);
  b.writeUInt16BE(d.getUTCFullYear(), 0);
  b[2] = d.getUTCMonth() + 1;
  b[3] = d.getUTCDate();
  b[4] = d.getUTCHours();
  b[5] = d.getUTCMinutes();
  b[6] = d.getUTCSeconds();
  b[7] = Math.floor(d.getUTCMilliseconds() / 100);
  b[8] = 0x2b; // '+'
  return b;
}

/** The notification OID for `n` under `enterprise` (e.g. 1.3.6.1.4.1.99999.0.3 for a virus). */
export function notificationOid(enterprise: string, n: Pick<Notification, 'kind' | 'category'>): string {
  const arc = n.kind === 'recovery' ? RECOVERY_ARC : (NOTIFICATION_ARCS[n.category] ?? NOTIFICATION_ARCS.other!);
  return `${enterprise}.0.${arc}`;
}

/** Builds the EVENTGATE-MIB notification for `n`; the first item describes the event. */
export function eventgateNotification(n: Notification, enterprise: string): SnmpNotification {
  const item = n.items[0];
  const f = item?.fields ?? {};
  const text: Partial<Record<MibObjectName, string>> = {
    egEventId: item?.eventId,
    egNotificationId: n.id,
    egCategory: n.category,
    egHost: item?.host,
    egSourceAddress: item?.source,
    egProduct: f.Product,
    egTitle: n.title,
    egMessage: item?.message,
    egComputerName: f.ComputerName,
    egVirusName: f.VirusName,
    egInfectedObject: f.InfectedObject,
    egProgram: f.ProgramName,
    egScanner: f.Scanner,
    egErrorDescription: f.ErrorDescription,
    egRule: item?.ruleId ?? undefined,
  };
  const varbinds = MIB_OBJECTS.map((o): SnmpVarbind => {
    const oid = `${enterprise}.1.${o.arc}.0`;
    switch (o.kind) {
      case 'severity': return { oid, type: SMI.Integer, value: SEVERITIES.indexOf(n.severity) + 1 };
      case 'time': return { oid, type: SMI.OctetString, value: dateAndTime(item?.receivedAt ?? n.createdAt) };
      case 'count': return { oid, type: SMI.Gauge32, value: Math.min(0xffffffff, n.items.length + n.suppressed) };
      case 'text': return { oid, type: SMI.OctetString, value: mibText(text[o.name] ?? '', o.size) };
    }
  });
  return { trapOid: notificationOid(enterprise, n), varbinds };
}
