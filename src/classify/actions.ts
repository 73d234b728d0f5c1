/**
 * Rule actions that compute values: field actions (template, copy with map/default,
 * rename) and severity (fixed, or mapped from a reference through a table with exact
 * keys and numeric ranges). Compiled once; applied per matching event. Pure.
 */
import type { RuleConfig } from '../config/schema/rules.js';
import type { GatewayEvent } from '../core/event.js';
import type { Severity } from '../core/severity.js';
import type { Template } from '../core/template.js';
import { compileRef, type Getter } from './refs.js';

export type FieldAction =
  | { readonly name: string; readonly kind: 'template'; readonly template: Template }
  | { readonly name: string; readonly kind: 'copy'; readonly from: readonly Getter[]; readonly map?: ReadonlyMap<string, string>; readonly fallback?: string }
  | { readonly name: string; readonly kind: 'rename'; readonly source: string };

export type SeverityAction =
  | { readonly kind: 'fixed'; readonly severity: Severity }
  | { readonly kind: 'map'; readonly from: Getter; readonly table: SeverityTable; readonly fallback?: Severity };

interface SeverityTable {
  readonly exact: ReadonlyMap<string, Severity>;
  readonly ranges: readonly { lo: number; hi: number; severity: Severity }[];
}

type Problem = (path: readonly (string | number)[], message: string) => void;

const RANGE = /^\s*(-?\d+(?:\.\d+)?)\s*-\s*(-?\d+(?:\.\d+)?)\s*$/;

function lowerMap<V>(record: Readonly<Record<string, V>>): Map<string, V> {
  return new Map(Object.entries(record).map(([k, v]) => [k.toLowerCase(), v]));
}

export function compileSeverity(spec: RuleConfig['severity'], problem: Problem): SeverityAction | undefined {
  if (spec === undefined) return undefined;
  if (typeof spec === 'string') return { kind: 'fixed', severity: spec };
  const from = compileRef(spec.from);
  if (typeof from === 'string') {
    problem(['severity', 'from'], from);
    return undefined;
  }
  const exact = new Map<string, Severity>();
  const ranges: { lo: number; hi: number; severity: Severity }[] = [];
  for (const [k, v] of Object.entries(spec.map)) {
    const r = RANGE.exec(k);
    if (r) ranges.push({ lo: Number(r[1]), hi: Number(r[2]), severity: v });
    else exact.set(k.toLowerCase(), v);
  }
  return { kind: 'map', from, table: { exact, ranges }, ...(spec.default ? { fallback: spec.default } : {}) };
}

/** Resolves a severity action; undefined means "use the default mapping". */
export function applySeverity(a: SeverityAction, event: GatewayEvent, fields: Readonly<Record<string, string>>): Severity | undefined {
  if (a.kind === 'fixed') return a.severity;
  const value = a.from(event, fields);
  if (value !== undefined) {
    const hit = a.table.exact.get(value.trim().toLowerCase());
    if (hit) return hit;
    const n = Number(value);
    if (value.trim() !== '' && Number.isFinite(n)) {
      for (const r of a.table.ranges) if (n >= r.lo && n <= r.hi) return r.severity;
    }
  }
  return a.fallback;
}

/**
 * Compiles the field actions other than templates (which need the set of keywords every
 * rule produces, so compile.ts does them in a second pass).
 */
export function compileFieldAction(name: string, spec: RuleConfig['fields'][string], problem: Problem): FieldAction | 'template' | undefined {
  if (typeof spec === 'string') return 'template';
  if ('rename' in spec) {
    const source = spec.rename.startsWith('field.') ? spec.rename.slice(6) : spec.rename;
    return { name, kind: 'rename', source };
  }
  const from: Getter[] = [];
  spec.copy.forEach((ref, i) => {
    const g = compileRef(ref);
    if (typeof g === 'string') problem(['fields', name, 'copy', ...(spec.copy.length > 1 ? [i] : [])], g);
    else from.push(g);
  });
  return {
    name,
    kind: 'copy',
    from,
    ...(spec.map ? { map: lowerMap(spec.map) } : {}),
    ...(spec.default !== undefined ? { fallback: spec.default } : {}),
  };
}

/**
 * Applies field actions in order to `fields` (mutated). `lookup` resolves a template keyword
 * against the fields so far (it reads `fields` live, so each template sees earlier actions).
 */
export function applyFields(
  actions: readonly FieldAction[],
  event: GatewayEvent,
  fields: Record<string, string>,
  lookup: (key: string) => string | undefined,
): void {
  for (const a of actions) {
    if (a.kind === 'template') {
      fields[a.name] = a.template.renderWith(lookup);
    } else if (a.kind === 'rename') {
      const v = fields[a.source];
      if (v !== undefined) {
        delete fields[a.source];
        fields[a.name] = v;
      }
    } else {
      let v: string | undefined;
      for (const g of a.from) {
        v = g(event, fields);
        if (v !== undefined && v !== '') break;
      }
      if (v !== undefined && v !== '' && a.map) v = a.map.get(v.toLowerCase()) ?? (a.fallback ?? v);
      else if (v === undefined || v === '') v = a.fallback;
      if (v !== undefined) fields[a.name] = v;
    }
  }
}
