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

/** The objects of every notification, in OBJECTS order: [name, arc under `<enterprise>.1`, SIZE]. */
const TEXT_OBJECTS = {
  eventId: [1, 64], notificationId: [2, 64], category: [3, 64], host: [5, 255], source: [6, 64], product: [7, 255],
  title: [8, 255], message: [9, 1024], computerName: [12, 255], virusName: [13, 255], infectedObject: [14, 1024],
  program: [15, 255], scanner: [16, 255], errorDescription: [17, 1024], rule: [18, 64],
} as const;
const SEVERITY_ARC = 4;
const TIME_ARC = 10;
const COUNT_ARC = 11;

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
  const text: Record<keyof typeof TEXT_OBJECTS, string> = {
    eventId: item?.eventId ?? '',
    notificationId: n.id,
    category: n.category,
    host: item?.host ?? '',
    source: item?.source ?? '',
    product: f.Product ?? '',
    title: n.title,
    message: item?.message ?? '',
    computerName: f.ComputerName ?? '',
    virusName: f.VirusName ?? '',
    infectedObject: f.InfectedObject ?? '',
    program: f.ProgramName ?? '',
    scanner: f.Scanner ?? '',
    errorDescription: f.ErrorDescription ?? '',
    rule: item?.ruleId ?? '',
  };
  const obj = (arc: number) => `${enterprise}.1.${arc}.0`;
  const str = (k: keyof typeof TEXT_OBJECTS): SnmpVarbind => ({ oid: obj(TEXT_OBJECTS[k][0]), type: SMI.OctetString, value: mibText(text[k], TEXT_OBJECTS[k][1]) });
  const varbinds: SnmpVarbind[] = [
    str('eventId'), str('notificationId'), str('category'),
    { oid: obj(SEVERITY_ARC), type: SMI.Integer, value: SEVERITIES.indexOf(n.severity) + 1 },
    str('host'), str('source'), str('product'), str('title'), str('message'),
    { oid: obj(TIME_ARC), type: SMI.OctetString, value: dateAndTime(item?.receivedAt ?? n.createdAt) },
    { oid: obj(COUNT_ARC), type: SMI.Gauge32, value: Math.min(0xffffffff, n.items.length + n.suppressed) },
    str('computerName'), str('virusName'), str('infectedObject'), str('program'), str('scanner'), str('errorDescription'), str('rule'),
  ];
  return { trapOid: notificationOid(enterprise, n), varbinds };
}
