/**
 * Explanations for rule authors: evaluates a condition tree like `Cond.test` does (same
 * short-circuits, same group handling) but records each condition's outcome. Used only
 * by `eventgate classify` and tests, never on the hot path. Pure.
 */
import type { Cond, EvalState } from './conditions.js';

export interface CondTrace {
  readonly condition: string;
  /** true / false; undefined when an earlier sibling already decided (not evaluated). */
  readonly ok: boolean;
  readonly children?: readonly (CondTrace | { readonly condition: string; readonly ok?: undefined })[];
}

export function explainCond(c: Cond, s: EvalState): CondTrace {
  if (!c.op || !c.children) return { condition: c.text, ok: c.test(s) };
  const children: (CondTrace | { condition: string })[] = [];
  if (c.op === 'not') {
    const saved = s.groups;
    s.groups = {};
    const inner = explainCond(c.children[0]!, s);
    s.groups = saved;
    return { condition: c.text, ok: !inner.ok, children: [inner] };
  }
  let decided: boolean | undefined;
  for (const child of c.children) {
    if (decided !== undefined) {
      children.push({ condition: child.text });
      continue;
    }
    if (c.op === 'any') {
      const saved = s.groups;
      s.groups = { ...saved };
      const t = explainCond(child, s);
      children.push(t);
      if (t.ok) decided = true;
      else s.groups = saved;
    } else {
      const t = explainCond(child, s);
      children.push(t);
      if (!t.ok) decided = false;
    }
  }
  const ok = decided ?? c.op === 'all';
  return { condition: c.text, ok, children };
}
