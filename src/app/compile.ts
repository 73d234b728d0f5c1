/**
 * Compiles a loaded config into a plan the gateway runs: rules, routes and channel
 * templates, each compiled once by its own stage. Problems found here are mapped back to
 * file, line and column like the loader's own issues.
 */
import { compileRules, type CompiledRule } from '../classify/compile.js';
import { createClassifier, type Classifier } from '../classify/classifier.js';
import type { LoadedConfig } from '../config/load.js';
import type { ChannelConfig } from '../config/schema/channels.js';
import { issueAt, sortIssues, type ConfigIssue, type ConfigPath } from '../config/source-map.js';
import type { Severity } from '../core/severity.js';
import { compileTemplate, isTemplateError, type Template } from '../core/template.js';
import { compileRoutes, type RoutePolicy } from '../route/policy.js';

export interface ChannelPlan {
  readonly id: string;
  readonly config: ChannelConfig;
  /** Compiled templates by their config path (`template`, `args.0`, ...). */
  readonly templates: ReadonlyMap<string, Template>;
}

export interface GatewayPlan {
  readonly loaded: LoadedConfig;
  readonly rules: readonly CompiledRule[];
  readonly classifier: Classifier;
  readonly policy: RoutePolicy;
  readonly channels: ReadonlyMap<string, ChannelPlan>;
  /** Keywords channel templates may use. */
  readonly keywords: ReadonlySet<string>;
}

export type CompileResult = { ok: true; plan: GatewayPlan } | { ok: false; issues: ConfigIssue[] };

/** Template-bearing keys of each channel type. */
function channelTemplates(c: ChannelConfig): [ConfigPath, string][] {
  switch (c.type) {
    case 'log': return [[['template'], c.template]];
    case 'exec': return c.args.map((a, i): [ConfigPath, string] => [['args', i], a]);
  }
}

export function compilePlan(loaded: LoadedConfig): CompileResult {
  const issues: ConfigIssue[] = [];
  const main = loaded.sources.get(loaded.file)!;
  const { rules, keywords, problems } = compileRules(loaded.rules);
  for (const p of problems) issues.push(issueAt(loaded.sources.get(p.file)!, p.path, p.message));

  const channels = new Map<string, ChannelPlan>();
  const minSeverity = new Map<string, Severity>();
  for (const [id, config] of Object.entries(loaded.config.channels)) {
    const templates = new Map<string, Template>();
    for (const [path, text] of channelTemplates(config)) {
      const t = compileTemplate(text, keywords);
      if (isTemplateError(t)) issues.push(issueAt(main, ['channels', id, ...path], t.message));
      else templates.set(path.join('.'), t);
    }
    channels.set(id, { id, config, templates });
    minSeverity.set(id, config.min_severity);
  }

  const { policy, problems: routeProblems } = compileRoutes(loaded.config.routes, minSeverity);
  for (const p of routeProblems) issues.push(issueAt(main, p.path, p.message));

  if (issues.length) return { ok: false, issues: sortIssues(issues) };
  return { ok: true, plan: { loaded, rules, classifier: createClassifier(rules), policy, channels, keywords } };
}
