/**
 * The policy engine: a classified event in, the notifications it causes out, with the
 * route state it changed collected for the same store transaction. Stages per target, in
 * order: silence → problem/recovery → dedup → limit → digest. `tick(now)` runs what time
 * decides (window ends, digest flushes, repeats, auto-resolve, silence ends, absence). The
 * engine never reads a clock: every call gets `now` (wall-clock ms), so tests use a fake.
 */
import type { Classified } from '../core/classification.js';
import type { Notification } from '../core/notification.js';
import { absenceTick, expectGroups, seen, type AbsenceRule, type AbsenceState } from './absence.js';
import { buildNotification, itemOf } from './build.js';
import { collect, flushDigest, type DigestState } from './digest.js';
import { admit, limitSummary, type LimitWindow } from './limit.js';
import { subjectOf, type MatchSubject } from './matcher.js';
import type { RoutePolicy, Target } from './policy.js';
import { ProblemIndex, problemDue, type ProblemState } from './problems.js';
import { StateTable } from './state-table.js';
import { shiftedRow } from './clock-step.js';
import { activeSilence, type Silence } from './silences.js';

export interface DedupState {
  readonly target: string;
  readonly key: string;
  readonly firstSeen: number;
  readonly windowEnd: number;
  lastSeen: number;
  repeats: number;
  notification: Notification;
}

export interface Decision {
  readonly notifications: Notification[];
  /** The silence that held the event back, if any. */
  readonly silencedBy?: string;
  /** Notifications held back by dedup or limit, by reason (for metrics). */
  readonly held: { channel: string; reason: 'dedup' | 'limit' }[];
}

export interface TickResult {
  readonly notifications: Notification[];
  /** Synthesized events (absence) and what they caused; they belong in the history too. */
  readonly events: { classified: Classified; decision: Decision }[];
}

export interface EngineDeps {
  readonly newId: () => string;
  readonly absence?: readonly AbsenceRule[];
  readonly maxKeys?: number;
}

export interface PolicyEngine {
  process(c: Classified, now: number): Decision;
  tick(now: number): TickResult;
  setSilences(silences: readonly Silence[]): void;
  /** Loads state rows (from the store or a previous engine); `now` starts expected absences. */
  restore(rows: Iterable<[string, unknown]>, now: number): void;
  /** Every state row, for the next engine after a reload. */
  exportState(): [string, unknown][];
  /** Moves every instant of the route state by a step of the wall clock (clock-step.ts). */
  shift(deltaMs: number): void;
  /** Changed rows since the last call (value null = deleted). */
  takeChanges(): { id: string; value: unknown }[];
  /** Rows forgotten because a table was full, since the last call. */
  takeEvicted(): number;
}

export function createPolicyEngine(policy: RoutePolicy, deps: EngineDeps): PolicyEngine {
  const { newId } = deps;
  const max = deps.maxKeys ?? 50_000;
  const absence = deps.absence ?? [];
  const dirty = new Map<string, unknown>();
  const problems = new StateTable<ProblemState>('p', dirty, max);
  const dedups = new StateTable<DedupState>('d', dirty, max);
  const limits = new StateTable<LimitWindow>('l', dirty, max);
  const digests = new StateTable<DigestState>('g', dirty, max);
  const absent = new StateTable<AbsenceState>('a', dirty, max);
  const tables = [problems, dedups, limits, digests, absent] as const;
  const index = new ProblemIndex();
  let silences: readonly Silence[] = [];

  /** Limit, then digest or out. Returns whether the notification goes (or will go) out. */
  function emit(t: Target, n: Notification, now: number, out: Notification[], held: Decision['held'], exempt = false): boolean {
    if (!exempt && !admit(limits, t, n, now, newId, out)) {
      held.push({ channel: t.channel, reason: 'limit' });
      return false;
    }
    if (t.settings.digest) collect(digests, t, t.settings.digest, n, now);
    else out.push(n);
    return true;
  }

  function bodyOf(c: Classified, extra: { count?: number; firstSeen?: number; lastSeen?: number } = {}) {
    const k = c.classification;
    return { key: k.key, severity: k.severity, category: k.category, title: k.title, items: [itemOf(c)], ...extra };
  }

  function openProblem(t: Target, c: Classified, s: MatchSubject, now: number, silenced: boolean, out: Notification[], held: Decision['held']): void {
    const k = c.classification;
    const id = `${t.id}|${k.key}`;
    const p = problems.get(id);
    if (p) {
      p.count++;
      p.lastSeen = now;
      problems.set(id, p);
      return;
    }
    const fresh: ProblemState = {
      target: t.id, key: k.key, openedAt: now, lastSeen: now, count: 1, notified: false, lastNotifiedAt: 0, silenced,
      severity: k.severity, category: k.category, title: k.title, item: itemOf(c), subject: s,
    };
    if (!silenced && emit(t, buildNotification('alert', t, bodyOf(c), now, newId), now, out, held)) {
      fresh.notified = true;
      fresh.lastNotifiedAt = now;
    }
    problems.set(id, fresh);
    index.add(k.key, id);
  }

  function closeProblem(id: string, p: ProblemState, t: Target | undefined, now: number, notify: boolean, title: string, out: Notification[], held: Decision['held']): void {
    problems.delete(id);
    index.remove(p.key, id);
    if (!t || !notify || !p.notified || !t.settings.recovery) return;
    emit(t, buildNotification('recovery', t, {
      key: p.key, severity: p.severity, category: p.category, title, items: [p.item], count: p.count, firstSeen: p.openedAt, lastSeen: now,
    }, now, newId), now, out, held, true);
  }

  function flushDedup(t: Target | undefined, d: DedupState, now: number, out: Notification[], held: Decision['held']): void {
    if (!t || d.repeats === 0) return;
    const n = d.notification;
    emit(t, buildNotification('repeat', t, {
      key: n.key, severity: n.severity, category: n.category, title: n.title, items: n.items,
      count: d.repeats + 1, firstSeen: d.firstSeen, lastSeen: d.lastSeen,
    }, now, newId), now, out, held);
  }

  function plainEvent(t: Target, c: Classified, now: number, out: Notification[], held: Decision['held']): void {
    const n = buildNotification('alert', t, bodyOf(c), now, newId);
    if (t.settings.dedupMs > 0) {
      const id = `${t.id}|${n.key}`;
      const d = dedups.get(id);
      if (d && now < d.windowEnd) {
        d.repeats++;
        d.lastSeen = now;
        d.notification = n;
        dedups.set(id, d);
        held.push({ channel: t.channel, reason: 'dedup' });
        return;
      }
      if (d) flushDedup(t, d, now, out, held);
      dedups.set(id, { target: t.id, key: n.key, firstSeen: now, windowEnd: now + t.settings.dedupMs, lastSeen: now, repeats: 0, notification: n });
    }
    emit(t, n, now, out, held);
  }

  function process(c: Classified, now: number): Decision {
    const out: Notification[] = [];
    const held: Decision['held'] = [];
    const s = subjectOf(c);
    seen(absence, absent, s, now);
    const silence = activeSilence(silences, s, now);
    const k = c.classification;
    if (k.state === 'recovery') {
      for (const id of index.ids(k.key)) {
        const p = problems.get(id);
        if (p) closeProblem(id, p, policy.target(p.target), now, !silence, k.title, out, held);
      }
    } else {
      for (const t of policy.resolve(s)) {
        if (k.state === 'problem') openProblem(t, c, s, now, silence !== undefined, out, held);
        else if (!silence) plainEvent(t, c, now, out, held);
      }
    }
    return { notifications: out, held, ...(silence ? { silencedBy: silence.id } : {}) };
  }

  return {
    process,
    tick(now) {
      const out: Notification[] = [];
      const held: Decision['held'] = [];
      for (const [id, d] of dedups.entries()) {
        if (now < d.windowEnd) continue;
        dedups.delete(id);
        flushDedup(policy.target(d.target), d, now, out, held);
      }
      for (const [id, w] of limits.entries()) {
        if (now < w.windowEnd) continue;
        limits.delete(id);
        const t = policy.target(w.target);
        const summary = t && limitSummary(w, t, now, newId);
        if (summary) out.push(summary);
      }
      for (const [id, p] of problems.entries()) {
        const t = policy.target(p.target);
        if (!t) {
          problems.delete(id);
          index.remove(p.key, id);
          continue;
        }
        const due = problemDue(p, t.settings, now, activeSilence(silences, p.subject, now) !== undefined);
        if (due === 'auto-resolve') {
          closeProblem(id, p, t, now, activeSilence(silences, p.subject, now) === undefined, `${p.title} (auto-resolved: not seen again)`, out, held);
        } else if (due === 'unsilenced' || due === 'repeat') {
          const n = buildNotification(due === 'repeat' ? 'repeat' : 'alert', t, {
            key: p.key, severity: p.severity, category: p.category, title: p.title, items: [p.item], count: p.count, firstSeen: p.openedAt, lastSeen: p.lastSeen,
          }, now, newId);
          p.silenced = false;
          if (emit(t, n, now, out, held)) {
            p.notified = true;
            p.lastNotifiedAt = now;
          }
          problems.set(id, p);
        }
      }
      const events = absenceTick(absence, absent, now, newId).map((classified) => ({ classified, decision: process(classified, now) }));
      for (const [id, g] of digests.entries()) {
        if (now < g.flushAt) continue;
        digests.delete(id);
        const t = policy.target(g.target);
        if (t) out.push(...flushDigest(g, t, now, newId));
      }
      return { notifications: out, events };
    },
    setSilences(list) {
      silences = list;
    },
    restore(rows, now) {
      const byKind = new Map<string, StateTable<object>>(tables.map((t) => [t.kind, t as unknown as StateTable<object>]));
      for (const [id, value] of rows) {
        const bar = id.indexOf('|');
        const table = byKind.get(id.slice(0, bar));
        if (!table || value === null || typeof value !== 'object') continue;
        table.restore(id.slice(bar + 1), value);
        if (table === (problems as unknown)) index.add((value as ProblemState).key, id.slice(bar + 1));
      }
      expectGroups(absence, absent, now);
    },
    shift(deltaMs) {
      for (const t of tables as readonly StateTable<object>[]) {
        for (const [id, row] of t.entries()) t.set(id, shiftedRow(t.kind, row, deltaMs));
      }
    },
    exportState() {
      return tables.flatMap((t) => t.entries().map(([id, v]): [string, unknown] => [`${t.kind}|${id}`, v]));
    },
    takeChanges() {
      const changes = [...dirty].map(([id, value]) => ({ id, value }));
      dirty.clear();
      return changes;
    },
    takeEvicted() {
      let n = 0;
      for (const t of tables) {
        n += t.evicted;
        t.evicted = 0;
      }
      return n;
    },
  };
}
