/**
 * Compiles rules (as loaded from YAML) once per config generation: conditions into test
 * trees, actions into appliers, patterns through the regex safety gate. Reports problems
 * with the rule's file and path so the loader's positions apply. Pure: the gate that may
 * do I/O (a verdict cache) is injected.
 */
import type { ConfigPath } from '../config/source-map.js';
import type { RuleConfig } from '../config/schema/rules.js';
import { BUILTIN_KEYWORDS, compileTemplate, isTemplateError, type Template } from '../core/template.js';
import { compileFieldAction, compileSeverity, type FieldAction, type SeverityAction } from './actions.js';
import { compileMatch, type Cond, type Hints } from './conditions.js';
import { createRegexGate, type RegexGate } from './regex-safety.js';

export interface CompiledRule {
  readonly id: string;
  readonly file: string;
  readonly index: number;
  /** Position in the whole rule list: the order rules are tried in. */
  readonly order: number;
  readonly cond: Cond;
  readonly hints: Hints;
  readonly category?: string;
  readonly severity?: SeverityAction;
  readonly title?: Template;
  readonly fields: readonly FieldAction[];
  readonly key?: Template;
  readonly state: RuleConfig['state'];
  readonly continue: boolean;
  readonly drop: boolean;
  /** Field names this rule can produce (named groups and `fields` keys). */
  readonly produces: readonly string[];
}

export interface RuleProblem {
  readonly file: string;
  readonly path: ConfigPath;
  readonly message: string;
}

export interface RuleSource {
  readonly file: string;
  readonly index: number;
  readonly rule: RuleConfig;
}

export interface CompileOptions {
  /** Decides whether a pattern may be used; default: the shape check only. */
  readonly regexGate?: RegexGate;
}

type Partial1 = Omit<CompiledRule, 'title' | 'key' | 'fields'> & { pending: (FieldAction | string)[] };

/**
 * Compiles every rule. Templates may use the built-in keywords and any field some rule
 * produces; the returned `keywords` set is what channel templates may use too.
 */
export function compileRules(sources: readonly RuleSource[], options: CompileOptions = {}): { rules: CompiledRule[]; keywords: Set<string>; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const keywords = new Set<string>(BUILTIN_KEYWORDS);
  const gate = options.regexGate ?? createRegexGate();
  const partial: { src: RuleSource; rule: Partial1 }[] = [];

  sources.forEach((src, order) => {
    const { rule: r, file, index } = src;
    const problem = (path: readonly (string | number)[], message: string) => problems.push({ file, path: ['rules', index, ...path], message: `rule ${r.id}: ${message}` });
    const produces = new Set<string>(Object.keys(r.fields));
    const hints: Hints = { literals: [] };
    const cond = compileMatch(r.match, ['match'], { gate, problem, produces }, hints);
    if (r.category === undefined && !r.continue && !r.drop) problem(['category'], 'a category is required unless the rule has continue or drop');
    const severity = compileSeverity(r.severity, problem);
    const pending: (FieldAction | string)[] = [];
    for (const [name, spec] of Object.entries(r.fields)) {
      const a = compileFieldAction(name, spec, problem);
      if (a === 'template') pending.push(name);
      else if (a) pending.push(a);
    }
    produces.forEach((f) => keywords.add(f));
    partial.push({
      src,
      rule: {
        id: r.id, file, index, order, cond, hints, state: r.state, continue: r.continue, drop: r.drop,
        produces: [...produces], pending,
        ...(r.category !== undefined ? { category: r.category } : {}),
        ...(severity ? { severity } : {}),
      },
    });
  });

  const rules: CompiledRule[] = [];
  for (const { src, rule } of partial) {
    const { rule: r, file, index } = src;
    const tpl = (text: string, path: ConfigPath): Template | undefined => {
      const t = compileTemplate(text, keywords);
      if (isTemplateError(t)) {
        problems.push({ file, path: ['rules', index, ...path], message: `rule ${r.id}: ${t.message}` });
        return undefined;
      }
      return t;
    };
    const title = r.title === undefined ? undefined : tpl(r.title, ['title']);
    const key = r.key === undefined ? undefined : tpl(r.key, ['key']);
    const fields: FieldAction[] = [];
    for (const p of rule.pending) {
      if (typeof p !== 'string') {
        fields.push(p);
        continue;
      }
      const t = tpl(r.fields[p] as string, ['fields', p]);
      if (t) fields.push({ name: p, kind: 'template', template: t });
    }
    const { pending: _pending, ...rest } = rule;
    rules.push({ ...rest, fields, ...(title ? { title } : {}), ...(key ? { key } : {}) });
  }
  return { rules, keywords, problems };
}
