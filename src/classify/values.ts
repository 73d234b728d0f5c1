/**
 * Value conditions (`equals`, `in`, `contains`, `prefix`, `regex`, `exists`, `gte`,
 * `lte`) compiled once into tests over one string. A regex's named groups are written
 * into the `groups` record the caller passes. A missing value fails every test except
 * `exists: false`. Pure.
 */
import type { ValueMatcherConfig } from '../config/schema/rules.js';
import type { RegexGate } from './regex-safety.js';
import { groupNames } from './regex-syntax.js';

export type ValueTest = (value: string | undefined, groups: Record<string, string>) => boolean;

export interface CompileEnv {
  readonly gate: RegexGate;
  /** Reports a problem at a path relative to the rule. */
  problem(path: readonly (string | number)[], message: string): void;
  /** Field names the rule can produce (named groups are added here). */
  readonly produces: Set<string>;
}

/** Compiles a regex through the safety gate; undefined (with a problem reported) when rejected. */
export function compileRegex(source: string, ignoreCase: boolean, path: readonly (string | number)[], env: CompileEnv): RegExp | undefined {
  let regex: RegExp;
  try {
    regex = new RegExp(source, ignoreCase ? 'i' : '');
  } catch (err) {
    env.problem(path, `invalid regex: ${(err as Error).message}`);
    return undefined;
  }
  // Groups count as produced even when the gate rejects the pattern, so the one real
  // problem is reported instead of a cascade of unknown %Keyword%s.
  for (const g of groupNames(regex)) env.produces.add(g);
  const rejected = env.gate(source, regex.flags);
  if (rejected) {
    env.problem(path, rejected);
    return undefined;
  }
  return regex;
}

/** Copies the named groups of a match into `groups`. */
export function takeGroups(m: RegExpExecArray, groups: Record<string, string>): void {
  if (!m.groups) return;
  for (const k in m.groups) {
    const v = m.groups[k];
    if (v !== undefined) groups[k] = v;
  }
}

export function describeValue(spec: ValueMatcherConfig): string {
  if (typeof spec === 'string') return `= ${JSON.stringify(spec)}`;
  if (Array.isArray(spec)) return `in ${JSON.stringify(spec)}`;
  const parts = Object.entries(spec).filter(([k]) => k !== 'ignore_case').map(([k, v]) => `${k} ${JSON.stringify(v)}`);
  return parts.join(' and ') + (spec.ignore_case ? ' (ignoring case)' : '');
}

export function compileValue(spec: ValueMatcherConfig, path: readonly (string | number)[], env: CompileEnv): ValueTest {
  if (typeof spec === 'string' || Array.isArray(spec)) {
    const set = new Set((Array.isArray(spec) ? spec : [spec]).map((s) => s.toLowerCase()));
    return (v) => v !== undefined && set.has(v.toLowerCase());
  }
  const ci = spec.ignore_case;
  const norm = (s: string) => (ci ? s.toLowerCase() : s);
  const tests: ValueTest[] = [];
  if (spec.exists !== undefined) {
    const want = spec.exists;
    tests.push((v) => (v !== undefined) === want);
  }
  if (spec.equals !== undefined) {
    const want = norm(spec.equals);
    tests.push((v) => v !== undefined && norm(v) === want);
  }
  if (spec.in !== undefined) {
    const set = new Set(spec.in.map(norm));
    tests.push((v) => v !== undefined && set.has(norm(v)));
  }
  if (spec.contains !== undefined) {
    const want = norm(spec.contains);
    tests.push((v) => v !== undefined && norm(v).includes(want));
  }
  if (spec.prefix !== undefined) {
    const want = norm(spec.prefix);
    tests.push((v) => v !== undefined && norm(v).startsWith(want));
  }
  if (spec.gte !== undefined || spec.lte !== undefined) {
    const lo = spec.gte ?? -Infinity;
    const hi = spec.lte ?? Infinity;
    tests.push((v) => {
      if (v === undefined || v.trim() === '') return false;
      const n = Number(v);
      return Number.isFinite(n) && n >= lo && n <= hi;
    });
  }
  if (spec.regex !== undefined) {
    const re = compileRegex(spec.regex, ci, [...path, 'regex'], env);
    if (re) {
      tests.push((v, groups) => {
        if (v === undefined) return false;
        const m = re.exec(v);
        if (!m) return false;
        takeGroups(m, groups);
        return true;
      });
    } else {
      tests.push(() => false);
    }
  }
  if (tests.length === 1) return tests[0]!;
  return (v, groups) => tests.every((t) => t(v, groups));
}
