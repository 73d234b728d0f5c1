/**
 * Compiles rules (as loaded from YAML) into matchers, once per config generation. Reports
 * problems (bad regex, unknown template keyword) with the rule's file and path so the
 * loader's positions apply. Pure: no I/O, no time.
 */
import type { ConfigPath } from '../config/source-map.js';
import type { RuleConfig } from '../config/schema/rules.js';
import { parseThreshold, SYSLOG_FACILITIES, SYSLOG_SEVERITIES_ASCENDING, type SeverityThreshold } from '../core/severity.js';
import { BUILTIN_KEYWORDS, compileTemplate, isTemplateError, type Template } from '../core/template.js';

export type StringTest = (value: string) => boolean;

export interface MessageTest {
  /** A literal that must occur (lower-cased when ignoreCase): a cheap prefilter. */
  readonly literal?: string;
  readonly ignoreCase: boolean;
  readonly regex?: RegExp;
}

export interface CompiledRule {
  readonly id: string;
  readonly file: string;
  readonly index: number;
  readonly kind?: 'syslog' | 'trap';
  readonly host?: StringTest;
  readonly appName?: StringTest;
  readonly facilities?: ReadonlySet<number>;
  readonly syslogSeverity?: SeverityThreshold;
  readonly message?: MessageTest;
  readonly category: string;
  readonly severity?: RuleConfig['severity'];
  readonly title?: Template;
  readonly fields: readonly (readonly [string, Template])[];
  readonly key?: Template;
  readonly state: RuleConfig['state'];
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

/** Names of the named capture groups in a regex source. */
function groupNames(regex: RegExp): string[] {
  const probe = new RegExp(`(?:${regex.source})|`, regex.flags.replace('g', ''));
  return Object.keys(probe.exec('')?.groups ?? {});
}

function nameTest(spec: NonNullable<RuleConfig['match']['host']>): StringTest {
  if (typeof spec === 'string' || Array.isArray(spec)) {
    const set = new Set((Array.isArray(spec) ? spec : [spec]).map((s) => s.toLowerCase()));
    return (v) => set.has(v.toLowerCase());
  }
  const re = new RegExp(spec.regex, spec.ignore_case ? 'i' : '');
  return (v) => re.test(v);
}

/**
 * Compiles every rule. Templates may use the built-in keywords and any field some rule
 * produces; the returned `keywords` set is what channel templates may use too.
 */
export function compileRules(sources: readonly RuleSource[]): { rules: CompiledRule[]; keywords: Set<string>; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const partial: { src: RuleSource; rule: Omit<CompiledRule, 'title' | 'fields' | 'key'> }[] = [];
  const keywords = new Set<string>(BUILTIN_KEYWORDS);

  for (const src of sources) {
    const { rule: r, file, index } = src;
    const at = (path: ConfigPath, message: string) => problems.push({ file, path: ['rules', index, ...path], message });
    const produces = new Set(Object.keys(r.fields));
    let message: MessageTest | undefined;
    const m = r.match.message;
    if (m !== undefined) {
      const spec = typeof m === 'string' ? { regex: m, ignore_case: false } : m;
      if ('contains' in spec) {
        message = { literal: spec.ignore_case ? spec.contains.toLowerCase() : spec.contains, ignoreCase: spec.ignore_case };
      } else {
        try {
          const regex = new RegExp(spec.regex, spec.ignore_case ? 'i' : '');
          groupNames(regex).forEach((g) => produces.add(g));
          message = { regex, ignoreCase: spec.ignore_case };
        } catch (err) {
          at(['match', 'message'], `invalid regex: ${(err as Error).message}`);
        }
      }
    }
    let host: StringTest | undefined;
    let appName: StringTest | undefined;
    try {
      if (r.match.host !== undefined) host = nameTest(r.match.host);
      if (r.match.app_name !== undefined) appName = nameTest(r.match.app_name);
    } catch (err) {
      at(['match'], `invalid regex: ${(err as Error).message}`);
    }
    let syslogSeverity: SeverityThreshold | undefined;
    if (r.match.severity !== undefined) {
      syslogSeverity = parseThreshold(r.match.severity, SYSLOG_SEVERITIES_ASCENDING);
      if (!syslogSeverity) at(['match', 'severity'], `invalid syslog severity "${r.match.severity}": use e.g. ">=warning" with emerg, alert, crit, err, warning, notice, info, debug`);
    }
    const facilities = r.match.facility
      ? new Set(r.match.facility.map((f) => (typeof f === 'number' ? f : SYSLOG_FACILITIES.indexOf(f))))
      : undefined;
    produces.forEach((f) => keywords.add(f));
    partial.push({
      src,
      rule: {
        id: r.id, file, index, category: r.category, state: r.state, produces: [...produces],
        ...(r.match.kind ? { kind: r.match.kind } : {}),
        ...(host ? { host } : {}),
        ...(appName ? { appName } : {}),
        ...(facilities ? { facilities } : {}),
        ...(syslogSeverity ? { syslogSeverity } : {}),
        ...(message ? { message } : {}),
        ...(r.severity ? { severity: r.severity } : {}),
      },
    });
  }

  const rules: CompiledRule[] = [];
  for (const { src, rule } of partial) {
    const { rule: r, file, index } = src;
    const tpl = (text: string, path: ConfigPath): Template | undefined => {
      const t = compileTemplate(text, keywords);
      if (isTemplateError(t)) {
        problems.push({ file, path: ['rules', index, ...path], message: t.message });
        return undefined;
      }
      return t;
    };
    const title = r.title === undefined ? undefined : tpl(r.title, ['title']);
    const key = r.key === undefined ? undefined : tpl(r.key, ['key']);
    const fields: [string, Template][] = [];
    for (const [name, text] of Object.entries(r.fields)) {
      const t = tpl(text, ['fields', name]);
      if (t) fields.push([name, t]);
    }
    rules.push({ ...rule, fields, ...(title ? { title } : {}), ...(key ? { key } : {}) });
  }
  return { rules, keywords, problems };
}
