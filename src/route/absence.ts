/**
 * Absence rules: an expected recurring event (a successful update from each console within
 * 24 h). Each value of `group_by` seen (or listed in `expect`) has a deadline; when it
 * passes, a synthesized `system-status` problem goes through the routes like any event, and
 * the next matching event clears it with a synthesized recovery. Pure apart from ids.
 */
import type { AbsenceConfig } from '../config/schema/policy.js';
import type { Classified } from '../core/classification.js';
import type { Severity } from '../core/severity.js';
import type { Matcher, MatchSubject } from './matcher.js';
import type { StateTable } from './state-table.js';

export interface AbsenceRule {
  readonly id: string;
  readonly matcher: Matcher;
  readonly withinMs: number;
  readonly groupBy: string;
  readonly expect: readonly string[];
  readonly severity: Severity;
}

export interface AbsenceState {
  readonly rule: string;
  readonly group: string;
  lastSeen: number;
  raisedAt?: number;
}

export const ABSENCE_RULE_PREFIX = 'absence:';

export function absenceRule(c: AbsenceConfig, matcher: Matcher): AbsenceRule {
  return { id: c.id, matcher, withinMs: c.within, groupBy: c.group_by, expect: c.expect, severity: c.severity };
}

/** Records a matching event; a raised absence clears at the next tick. */
export function seen(rules: readonly AbsenceRule[], table: StateTable<AbsenceState>, s: MatchSubject, now: number): void {
  if (s.ruleId?.startsWith(ABSENCE_RULE_PREFIX)) return;
  for (const r of rules) {
    const group = s.fields[r.groupBy] ?? (r.groupBy === 'host' ? s.host : undefined);
    if (group === undefined || !r.matcher(s)) continue;
    const id = `${r.id}|${group}`;
    const a = table.get(id) ?? { rule: r.id, group, lastSeen: now };
    a.lastSeen = now;
    table.set(id, a);
  }
}

/** Starts the clock for expected groups never seen. */
export function expectGroups(rules: readonly AbsenceRule[], table: StateTable<AbsenceState>, now: number): void {
  for (const r of rules) for (const group of r.expect) if (!table.get(`${r.id}|${group}`)) table.set(`${r.id}|${group}`, { rule: r.id, group, lastSeen: now });
}

function describe(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

/** Deadlines passed and absences cleared at `now`, as synthesized classified events. */
export function absenceTick(rules: readonly AbsenceRule[], table: StateTable<AbsenceState>, now: number, newId: () => string): Classified[] {
  const out: Classified[] = [];
  const byId = new Map(rules.map((r) => [r.id, r]));
  for (const [id, a] of table.entries()) {
    const r = byId.get(a.rule);
    if (!r) {
      table.delete(id);
      continue;
    }
    let state: 'problem' | 'recovery' | undefined;
    if (a.raisedAt !== undefined && a.lastSeen > a.raisedAt) {
      state = 'recovery';
      delete a.raisedAt;
    } else if (a.raisedAt === undefined && now - a.lastSeen >= r.withinMs) {
      state = 'problem';
      a.raisedAt = now;
    }
    if (!state) continue;
    table.set(id, a);
    const title = state === 'problem'
      ? `No event for absence rule ${r.id} from ${a.group} within ${describe(r.withinMs)}`
      : `Events for absence rule ${r.id} from ${a.group} arrive again`;
    out.push({
      event: { id: newId(), receivedAt: now, kind: 'syslog', listener: 'absence', peer: { address: '', port: 0, transport: 'udp' }, host: a.group, message: title, raw: new Uint8Array() },
      classification: {
        ruleId: `${ABSENCE_RULE_PREFIX}${r.id}`, category: 'system-status', severity: state === 'problem' ? r.severity : 'info', title, state,
        key: `absence|${r.id}|${a.group}`, fields: { ComputerName: a.group, [r.groupBy]: a.group, AbsenceRule: r.id, LastSeen: new Date(a.lastSeen).toISOString() },
      },
    });
  }
  return out;
}
