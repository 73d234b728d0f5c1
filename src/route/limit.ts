/**
 * Limit: at most `count` notifications per `per` window for a target (and per key when
 * `per_key`). What is held back is counted with its top hosts and threats; when the window
 * ends, one summary notification says so. A flood never drops silently. Pure decisions.
 */
import type { Notification } from '../core/notification.js';
import { buildNotification, topList } from './build.js';
import type { Target } from './policy.js';
import type { StateTable } from './state-table.js';

export interface LimitWindow {
  readonly target: string;
  readonly key: string;
  readonly windowEnd: number;
  sent: number;
  suppressed: number;
  lastSuppressedAt: number;
  hosts: Record<string, number>;
  threats: Record<string, number>;
}

const TOP_KEYS = 100;

function count(m: Record<string, number>, k: string): void {
  if (m[k] !== undefined) m[k]++;
  else if (Object.keys(m).length < TOP_KEYS) m[k] = 1;
  else m['(others)'] = (m['(others)'] ?? 0) + 1;
}

/** Builds the summary for an ended window, or undefined when nothing was held back. */
export function limitSummary(w: LimitWindow, target: Target, now: number, newId: () => string): Notification | undefined {
  if (w.suppressed === 0) return undefined;
  const hosts = topList(w.hosts);
  const threats = topList(w.threats);
  const title = `${w.suppressed} more notification(s) suppressed by the limit of ${target.settings.limit?.count ?? '?'}`
    + `${hosts ? `; top hosts: ${hosts}` : ''}${threats ? `; top threats: ${threats}` : ''}`;
  const item = {
    eventId: '', receivedAt: now, host: '', message: title, ruleId: null, category: 'system-status', severity: 'warning' as const, title,
    fields: { SuppressedCount: String(w.suppressed), TopHosts: hosts, TopThreats: threats },
  };
  return buildNotification('summary', target, {
    key: `limit|${w.target}|${w.key}`, severity: 'warning', category: 'system-status', title, items: [item],
    suppressed: w.suppressed, count: w.suppressed, firstSeen: w.windowEnd - (target.settings.limit?.perMs ?? 0), lastSeen: w.lastSuppressedAt,
  }, now, newId);
}

/**
 * Admits `n` or holds it back. An ended window is closed first (its summary, if any, is
 * pushed to `out`) and a new one starts with this notification.
 */
export function admit(table: StateTable<LimitWindow>, target: Target, n: Notification, now: number, newId: () => string, out: Notification[]): boolean {
  const limit = target.settings.limit;
  if (!limit) return true;
  const key = limit.perKey ? n.key : '';
  const id = `${target.id}|${key}`;
  let w = table.get(id);
  if (w && now >= w.windowEnd) {
    const s = limitSummary(w, target, now, newId);
    if (s) out.push(s);
    table.delete(id);
    w = undefined;
  }
  if (!w) {
    w = { target: target.id, key, windowEnd: now + limit.perMs, sent: 0, suppressed: 0, lastSuppressedAt: 0, hosts: {}, threats: {} };
  }
  if (w.sent < limit.count) {
    w.sent++;
    table.set(id, w);
    return true;
  }
  w.suppressed++;
  w.lastSuppressedAt = now;
  for (const item of n.items) {
    count(w.hosts, item.fields.ComputerName ?? item.host);
    count(w.threats, item.fields.VirusName ?? item.title);
  }
  table.set(id, w);
  return false;
}
