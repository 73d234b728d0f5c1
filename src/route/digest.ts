/**
 * Digest: notifications of a target are collected for `interval`, then sent together:
 * `combined` as one notification holding every item (beyond `max_items` only counted),
 * or `each` as they were, one message per notification (ESET's two modes). Pure.
 */
import type { Notification } from '../core/notification.js';
import { buildNotification, maxSeverity } from './build.js';
import type { DigestSettings, Target } from './policy.js';
import type { StateTable } from './state-table.js';

export interface DigestState {
  readonly target: string;
  readonly flushAt: number;
  readonly mode: DigestSettings['mode'];
  readonly maxItems: number;
  pending: Notification[];
  overflow: number;
}

/** Adds `n` to the target's open digest (opening one when needed). */
export function collect(table: StateTable<DigestState>, target: Target, d: DigestSettings, n: Notification, now: number): void {
  let g = table.get(target.id);
  if (!g) g = { target: target.id, flushAt: now + d.intervalMs, mode: d.mode, maxItems: d.maxItems, pending: [], overflow: 0 };
  if (g.pending.length < g.maxItems) g.pending.push(n);
  else g.overflow += n.items.length + n.suppressed;
  table.set(target.id, g);
}

/** What a digest sends when it is flushed. */
export function flushDigest(g: DigestState, target: Target, now: number, newId: () => string): Notification[] {
  if (g.pending.length === 0) return [];
  if (g.mode === 'each') return g.pending;
  const items = g.pending.flatMap((n) => n.items).slice(0, g.maxItems);
  const total = g.pending.reduce((sum, n) => sum + (n.count ?? n.items.length + n.suppressed), 0) + g.overflow;
  const categories = [...new Set(g.pending.map((n) => n.category))];
  const category = categories.length === 1 ? categories[0]! : 'mixed';
  const title = `Digest: ${total} event(s) (${categories.join(', ')})`;
  return [buildNotification('digest', target, {
    key: `digest|${g.target}`, severity: maxSeverity(g.pending.map((n) => n.severity)), category, title, items,
    suppressed: total - items.length, count: total,
    firstSeen: Math.min(...g.pending.map((n) => n.firstSeen ?? n.items[0]?.receivedAt ?? n.createdAt)),
    lastSeen: Math.max(...g.pending.map((n) => n.lastSeen ?? n.items.at(-1)?.receivedAt ?? n.createdAt)),
  }, now, newId)];
}
