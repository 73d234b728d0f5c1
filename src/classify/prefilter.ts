/**
 * The rule index: for an event, the rules worth trying, in rule order, without touching
 * a regex. Rules are bucketed by kind, then by app name (syslog) or exact trap OID
 * (traps); within a bucket a rule is skipped when a literal it requires is absent from
 * the message (each distinct literal searched at most once per event). Sound: a rule is
 * only skipped when its conditions could not hold. Pure.
 */
import type { GatewayEvent } from '../core/event.js';
import type { CompiledRule } from './compile.js';
import { normalizeOid } from './oid.js';

export interface RuleIndex {
  /** Rule positions (into the rule list) worth trying for this event, ascending. */
  candidates(event: GatewayEvent): readonly number[];
  /** Per rule, the literal sets it requires: each a list of literal ids, one must occur. */
  readonly ruleLiterals: readonly (readonly (readonly number[])[])[];
  readonly literals: readonly { readonly text: string; readonly ignoreCase: boolean }[];
}

function bucketed(
  rules: readonly CompiledRule[],
  wanted: (r: CompiledRule) => boolean,
  keysOf: (r: CompiledRule) => ReadonlySet<string> | undefined,
): { byKey: Map<string, number[]>; rest: number[] } {
  const keys = new Set<string>();
  for (const r of rules) if (wanted(r)) keysOf(r)?.forEach((k) => keys.add(k));
  const byKey = new Map<string, number[]>();
  for (const k of keys) byKey.set(k, []);
  const rest: number[] = [];
  rules.forEach((r, i) => {
    if (!wanted(r)) return;
    const ks = keysOf(r);
    if (!ks) {
      rest.push(i);
      for (const list of byKey.values()) list.push(i);
    } else {
      for (const k of ks) byKey.get(k)!.push(i);
    }
  });
  return { byKey, rest };
}

export function buildIndex(rules: readonly CompiledRule[]): RuleIndex {
  const syslog = bucketed(rules, (r) => r.hints.kind !== 'trap', (r) => r.hints.appNames);
  const trap = bucketed(rules, (r) => r.hints.kind !== 'syslog', (r) => r.hints.trapOids);
  const literalIds = new Map<string, number>();
  const literals: { text: string; ignoreCase: boolean }[] = [];
  const idOf = (text: string, ignoreCase: boolean) => {
    const key = `${ignoreCase ? 'i' : 'c'}:${text}`;
    let id = literalIds.get(key);
    if (id === undefined) {
      id = literals.length;
      literalIds.set(key, id);
      literals.push({ text, ignoreCase });
    }
    return id;
  };
  const ruleLiterals = rules.map((r) => r.hints.literals.map((set) => set.texts.map((t) => idOf(t, set.ignoreCase))));
  return {
    ruleLiterals,
    literals,
    candidates(event) {
      if (event.kind === 'trap') {
        const oid = event.trap ? normalizeOid(event.trap.trapOid) : '';
        return trap.byKey.get(oid) ?? trap.rest;
      }
      const app = event.syslog?.appName;
      return (app !== undefined ? syslog.byKey.get(app.toLowerCase()) : undefined) ?? syslog.rest;
    },
  };
}

/**
 * Per-event memo of literal searches. `has(id)` searches the message (or its lower-cased
 * form) at most once per literal per event.
 */
export function literalMemo(index: RuleIndex): { reset(message: string, lower: () => string): void; has(id: number): boolean; hasAny(ids: readonly number[]): boolean } {
  const n = index.literals.length;
  const stamp = new Uint32Array(n);
  const value = new Uint8Array(n);
  let gen = 0;
  let message = '';
  let lower: () => string = () => '';
  function has(id: number): boolean {
    if (stamp[id] === gen) return value[id] === 1;
    const lit = index.literals[id]!;
    const found = (lit.ignoreCase ? lower() : message).includes(lit.text);
    stamp[id] = gen;
    value[id] = found ? 1 : 0;
    return found;
  }
  return {
    reset(m, l) {
      message = m;
      lower = l;
      gen = (gen + 1) >>> 0;
      if (gen === 0) {
        stamp.fill(0);
        gen = 1;
      }
    },
    has,
    hasAny(ids) {
      for (let i = 0; i < ids.length; i++) if (has(ids[i]!)) return true;
      return false;
    },
  };
}
