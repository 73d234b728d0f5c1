/**
 * Problem and recovery: a problem event opens a problem per (target, key); more of the same
 * only count. A recovery closes every open problem with its key, whatever route or severity
 * it matched, and notifies only where the problem was notified. An open problem is
 * re-notified every `repeat`; one not seen for `auto_resolve` is closed. Pure.
 */
import type { NotificationItem } from '../core/notification.js';
import type { Severity } from '../core/severity.js';
import type { MatchSubject } from './matcher.js';

export interface ProblemState {
  readonly target: string;
  readonly key: string;
  readonly openedAt: number;
  lastSeen: number;
  count: number;
  notified: boolean;
  lastNotifiedAt: number;
  /** Held back by a silence: notified when the silence ends while the problem is open. */
  silenced: boolean;
  severity: Severity;
  category: string;
  title: string;
  item: NotificationItem;
  subject: MatchSubject;
}

export type ProblemDue = 'unsilenced' | 'repeat' | 'auto-resolve' | undefined;

/** What an open problem needs at `now`, given whether a silence covers it now. */
export function problemDue(p: ProblemState, s: { repeatMs: number; autoResolveMs: number }, now: number, silencedNow: boolean): ProblemDue {
  if (s.autoResolveMs > 0 && now - p.lastSeen >= s.autoResolveMs) return 'auto-resolve';
  if (silencedNow) return undefined;
  if (!p.notified && p.silenced) return 'unsilenced';
  if (p.notified && s.repeatMs > 0 && now - p.lastNotifiedAt >= s.repeatMs) return 'repeat';
  return undefined;
}

/** Index from key to the ids of problems open under it (recoveries find them by key). */
export class ProblemIndex {
  readonly #byKey = new Map<string, Set<string>>();

  add(key: string, id: string): void {
    let s = this.#byKey.get(key);
    if (!s) this.#byKey.set(key, (s = new Set()));
    s.add(id);
  }

  remove(key: string, id: string): void {
    const s = this.#byKey.get(key);
    if (!s) return;
    s.delete(id);
    if (s.size === 0) this.#byKey.delete(key);
  }

  ids(key: string): string[] {
    return [...(this.#byKey.get(key) ?? [])];
  }
}
