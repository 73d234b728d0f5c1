/**
 * Compiles a loaded config into a plan the gateway runs: rules, routes and channel
 * templates, each compiled once by its own stage. Problems found here are mapped back to
 * file, line and column like the loader's own issues.
 */
import { compileRules, type CompiledRule } from '../classify/compile.js';
import { createClassifier, type Classifier } from '../classify/classifier.js';
import { createRegexGate } from '../classify/regex-safety.js';
import type { LoadedConfig } from '../config/load.js';
import type { ChannelConfig } from '../config/schema/channels.js';
import { issueAt, sortIssues, type ConfigIssue, type ConfigPath } from '../config/source-map.js';
import { compileTemplate, isTemplateError, type Template } from '../core/template.js';
import { checkEmailChannel, emailTemplateTexts } from './compile-email.js';
import { compileSyslogListeners, type SyslogListenerPlan } from './syslog-listeners.js';
import { createCachedChecker, type CachedChecker } from './regex-check.js';
import { createAllowList } from '../core/cidr.js';
import { absenceRule, type AbsenceRule } from '../route/absence.js';
import { compileMatch } from '../route/matcher.js';
import { compileRoutes, type ChannelPolicy, type RoutePolicy } from '../route/policy.js';
import { compileSilences, type Silence } from '../route/silences.js';

export interface ChannelPlan {
  readonly id: string;
  readonly config: ChannelConfig;
  /** Compiled templates by their config path (`template`, `args.0`, ...). */
  readonly templates: ReadonlyMap<string, Template>;
  /** Files a channel reads once at compile time (email: `ca`, `cert`, `key`, `pfx`). */
  readonly files?: ReadonlyMap<string, Buffer>;
}

export interface GatewayPlan {
  readonly loaded: LoadedConfig;
  readonly rules: readonly CompiledRule[];
  readonly classifier: Classifier;
  readonly policy: RoutePolicy;
  /** Silences from the config file (run-time ones live in the store). */
  readonly silences: readonly Silence[];
  readonly absence: readonly AbsenceRule[];
  readonly channels: ReadonlyMap<string, ChannelPlan>;
  /** Keywords channel templates may use. */
  readonly keywords: ReadonlySet<string>;
  /** Not errors, but worth saying (`eventgate check` prints them). */
  readonly warnings: readonly ConfigIssue[];
  /** Syslog listeners with their allow-lists checked and TLS files read. */
  readonly syslogListeners: readonly SyslogListenerPlan[];
}

export type CompileResult = { ok: true; plan: GatewayPlan } | { ok: false; issues: ConfigIssue[] };

/** Template-bearing keys of each channel type. */
function channelTemplates(c: ChannelConfig): [ConfigPath, string][] {
  switch (c.type) {
    case 'log': return [[['template'], c.template]];
    case 'exec': return c.args.map((a, i): [ConfigPath, string] => [['args', i], a]);
    case 'email': return emailTemplateTexts(c);
    case 'snmp': return [];
  }
}

export interface CompilePlanOptions {
  /** The ReDoS analyser with its verdict cache; default: recheck with the default cache file. */
  readonly regexChecker?: CachedChecker;
}

export function compilePlan(loaded: LoadedConfig, options: CompilePlanOptions = {}): CompileResult {
  const issues: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const main = loaded.sources.get(loaded.file)!;
  const checker = options.regexChecker ?? createCachedChecker();
  const { rules, keywords, problems } = compileRules(loaded.rules, { regexGate: createRegexGate(checker.check) });
  checker.save();
  for (const p of problems) issues.push(issueAt(loaded.sources.get(p.file)!, p.path, p.message));

  const channels = new Map<string, ChannelPlan>();
  const channelPolicies = new Map<string, ChannelPolicy>();
  for (const [id, config] of Object.entries(loaded.config.channels)) {
    const templates = new Map<string, Template>();
    for (const [path, text] of channelTemplates(config)) {
      const t = compileTemplate(text, keywords);
      if (isTemplateError(t)) issues.push(issueAt(main, ['channels', id, ...path], t.message));
      else templates.set(path.join('.'), t);
    }
    let files: Map<string, Buffer> | undefined;
    if (config.type === 'email') {
      const checked = checkEmailChannel(config, templates, { dir: loaded.dir, categories: loaded.categories });
      for (const p of checked.problems) issues.push(issueAt(main, ['channels', id, ...p.path], p.message));
      for (const p of checked.warnings) warnings.push(issueAt(main, ['channels', id, ...p.path], `warning: ${p.message}`));
      files = checked.files;
    }
    channels.set(id, { id, config, templates, ...(files ? { files } : {}) });
    channelPolicies.set(id, {
      minSeverity: config.min_severity,
      ...(config.limit ? { limit: config.limit } : {}),
      ...(config.digest ? { digest: config.digest } : {}),
      ...(config.dedup ? { dedup: config.dedup } : {}),
    });
    if (config.dead_letter_channel !== undefined && !(config.dead_letter_channel in loaded.config.channels)) {
      issues.push(issueAt(main, ['channels', id, 'dead_letter_channel'], `unknown channel "${config.dead_letter_channel}"`));
    }
  }

  const { policy, problems: routeProblems } = compileRoutes(loaded.config.routes, { channels: channelPolicies, keywords, cidr: createAllowList });
  for (const p of routeProblems) issues.push(issueAt(main, p.path, p.message));
  const { silences, problems: silenceProblems } = compileSilences(
    loaded.config.silences.map((s, i) => ({ id: s.id ?? `config-${i}`, match: s.match, startsAt: s.start, endsAt: s.end })),
    createAllowList, (i) => ['silences', i],
  );
  for (const p of silenceProblems) issues.push(issueAt(main, p.path, p.message));
  const absence = loaded.config.absence.map((a, i) => {
    const { matcher, problems } = compileMatch(a.match, ['absence', i, 'match'], createAllowList);
    for (const p of problems) issues.push(issueAt(main, p.path, p.message));
    return absenceRule(a, matcher);
  });

  const listeners = compileSyslogListeners(loaded);
  issues.push(...listeners.issues);

  if (issues.length) return { ok: false, issues: sortIssues(issues) };
  return { ok: true, plan: { loaded, rules, classifier: createClassifier(rules), policy, silences, absence, channels, keywords, warnings: sortIssues(warnings), syslogListeners: listeners.plans } };
}
