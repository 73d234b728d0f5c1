/**
 * The one config loader, used by run, check, classify and reload. In order: read and parse
 * YAML keeping positions; validate with the zod schema; load the rule files it names (each
 * validated the same way); check references between sections; resolve secrets; freeze.
 * Every issue is collected and reported at once, each with file, line, column and key.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { BUILTIN_CATEGORIES } from '../core/classification.js';
import { channel } from './schema/channels.js';
import { configSchema, type GatewayConfig } from './schema/root.js';
import { route } from './schema/routes.js';
import { rulesFile, type RuleConfig } from './schema/rules.js';
import { findSecretReferences } from './secrets.js';
import { issueAt, sortIssues, type ConfigIssue, type ConfigPath, type SourceFile } from './source-map.js';

export interface LoadedRule {
  readonly file: string;
  readonly index: number;
  readonly rule: RuleConfig;
}

export interface LoadedConfig {
  readonly file: string;
  readonly dir: string;
  readonly config: GatewayConfig;
  readonly rules: readonly LoadedRule[];
  readonly categories: ReadonlySet<string>;
  /** Positions of every file read, for issues raised later by the stages' compilers. */
  readonly sources: ReadonlyMap<string, SourceFile>;
}

/**
 * On failure, `partial` is the config as far as it validated (when the main file passed the
 * schema), so callers can compile it too and report every problem in one run.
 * `rulesComplete` says whether every rule file validated (else some fields are unknown).
 */
export type LoadResult =
  | { ok: true; loaded: LoadedConfig }
  | { ok: false; issues: ConfigIssue[]; partial?: LoadedConfig; rulesComplete?: boolean };

const MAX_ALIASES = 100;

/** Reads and parses one YAML file; returns the source and the plain JS value, or issues. */
function readYaml(file: string): { source?: SourceFile; value?: unknown; issues: ConfigIssue[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return { issues: [{ file, line: 1, column: 1, key: '(file)', message: `cannot read file: ${code}` }] };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, merge: false });
  const source: SourceFile = { file, doc, lineCounter };
  const issues: ConfigIssue[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const pos = lineCounter.linePos(e.pos[0]);
    const firstLine = e.message.split('\n')[0] ?? e.message;
    issues.push({ file, line: pos.line, column: pos.col, key: '(yaml)', message: firstLine });
  }
  if (issues.length) return { source, issues };
  try {
    return { source, value: doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? {}, issues };
  } catch (err) {
    return { source, issues: [{ file, line: 1, column: 1, key: '(yaml)', message: (err as Error).message }] };
  }
}

/** Validates `value` with `schema`, turning zod issues into positioned config issues. */
function validate<S extends z.ZodType>(schema: S, value: unknown, source: SourceFile): { data?: z.output<S>; issues: ConfigIssue[] } {
  const result = schema.safeParse(value);
  if (result.success) return { data: result.data, issues: [] };
  const issues: ConfigIssue[] = [];
  for (const zi of result.error.issues) {
    const path = zi.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (zi.code === 'unrecognized_keys') {
      for (const key of zi.keys) issues.push(issueAt(source, path, `unknown key "${key}"`, key));
    } else {
      issues.push(issueAt(source, path, describeIssue(zi)));
    }
  }
  return { issues };
}

function describeIssue(zi: z.core.$ZodIssue): string {
  if (zi.code === 'invalid_union') {
    // Report the branch that got furthest rather than zod's generic "invalid input".
    const branches = zi.errors.map((b) => b.filter((x) => x.code !== 'invalid_type' || x.path.length > 0));
    const best = branches.find((b) => b.length > 0)?.[0];
    if (best) return `${best.message}${best.path.length ? ` (at ${best.path.join('.')})` : ''}`;
  }
  return zi.message;
}

/** Expands `dir/*.yaml` style patterns (a `*` in the file name only), sorted. */
function expandRuleFiles(pattern: string, baseDir: string): string[] {
  const abs = resolve(baseDir, pattern);
  const name = basename(abs);
  if (!name.includes('*')) return [abs];
  const dir = dirname(abs);
  const re = new RegExp(`^${name.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
  try {
    return readdirSync(dir).filter((f) => re.test(f)).sort().map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/** Loads and checks a config file and everything it includes. */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): LoadResult {
  const path = resolve(file);
  const dir = dirname(path);
  const sources = new Map<string, SourceFile>();
  const main = readYaml(path);
  if (main.source) sources.set(path, main.source);
  if (!main.source || main.issues.length) return { ok: false, issues: main.issues };
  const validated = validate(configSchema, main.value, main.source);
  const issues = validated.issues;
  // When the file fails the schema, go on with the sections that validate, so that rule
  // and template problems are reported in the same run; references are not checked then.
  const config = validated.data ?? salvage(main.value);
  const schemaFailed = !validated.data;

  const rules: LoadedRule[] = [];
  let rulesComplete = true;
  config.rules.forEach((pattern, i) => {
    const files = expandRuleFiles(pattern, dir);
    if (files.length === 0) issues.push(issueAt(main.source!, ['rules', i], `no rule file matches "${pattern}"`));
    for (const ruleFile of files) {
      const r = readYaml(ruleFile);
      if (r.source) sources.set(ruleFile, r.source);
      issues.push(...r.issues);
      if (!r.source || r.issues.length) {
        rulesComplete = false;
        continue;
      }
      const v = validate(rulesFile, r.value, r.source);
      issues.push(...v.issues);
      if (v.issues.length) rulesComplete = false;
      v.data?.rules.forEach((rule, index) => rules.push({ file: ruleFile, index, rule }));
    }
  });

  const categories = new Set<string>([...BUILTIN_CATEGORIES, ...config.categories]);
  if (!schemaFailed) {
    issues.push(...crossCheck(config, rules, categories, main.source, sources));
    findSecretReferences(config, (ref, refPath) => {
      const problem = ref.resolve(dir, env);
      if (problem) issues.push(issueAt(main.source!, refPath, problem));
    });
  }

  if (issues.length) {
    return { ok: false, issues: sortIssues(issues), partial: { file: path, dir, config, rules, categories, sources }, rulesComplete };
  }
  const loaded: LoadedConfig = { file: path, dir, config: deepFreeze(config), rules, categories, sources };
  return { ok: true, loaded };
}

/**
 * The parts of an invalid config that validate on their own: each top-level section, and
 * each channel and route one by one. Used only to report more problems in one run.
 */
function salvage(value: unknown): GatewayConfig {
  const raw = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const shape = configSchema.shape;
  const section = <K extends keyof typeof shape>(key: K): z.output<(typeof shape)[K]> => {
    const r = shape[key].safeParse(raw[key]);
    return (r.success ? r.data : shape[key].parse(undefined)) as z.output<(typeof shape)[K]>;
  };
  const channels: GatewayConfig['channels'] = {};
  for (const [id, ch] of Object.entries((raw.channels ?? {}) as Record<string, unknown>)) {
    const r = channel.safeParse(ch);
    if (r.success) channels[id] = r.data;
  }
  const routes = Array.isArray(raw.routes) ? raw.routes.flatMap((x) => {
    const r = route.safeParse(x);
    return r.success ? [r.data] : [];
  }) : [];
  return {
    listeners: section('listeners'), mibs: section('mibs'), rules: section('rules'), categories: section('categories'),
    channels, routes, queue: section('queue'), log: section('log'), http: section('http'),
    silences: section('silences'), absence: section('absence'), store: section('store'),
  };
}

/** References between sections: rule ids unique, categories known, route channels defined. */
function crossCheck(
  config: GatewayConfig,
  rules: readonly LoadedRule[],
  categories: ReadonlySet<string>,
  main: SourceFile,
  sources: ReadonlyMap<string, SourceFile>,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Map<string, LoadedRule>();
  for (const r of rules) {
    const src = sources.get(r.file)!;
    const at = (p: ConfigPath, msg: string) => issues.push(issueAt(src, ['rules', r.index, ...p], msg));
    const first = seen.get(r.rule.id);
    if (first) at(['id'], `duplicate rule id "${r.rule.id}" (first defined in ${relative(dirname(main.file), first.file)})`);
    else seen.set(r.rule.id, r);
    if (r.rule.category !== undefined && !categories.has(r.rule.category)) at(['category'], `unknown category "${r.rule.category}"; add it under categories:`);
  }
  config.routes.forEach((route, i) => {
    route.channels.forEach((ch, j) => {
      if (!(ch in config.channels)) issues.push(issueAt(main, ['routes', i, 'channels', j], `unknown channel "${ch}"`));
    });
    route.match.category?.forEach((c, j) => {
      if (!categories.has(c)) issues.push(issueAt(main, ['routes', i, 'match', 'category', j], `unknown category "${c}"`));
    });
  });
  const listenerIds = new Map<string, number>();
  const ports = new Map<string, number>();
  config.listeners.syslog.forEach((l, i) => {
    const id = l.id ?? `syslog-${l.protocol}-${l.port}`;
    if (listenerIds.has(id)) issues.push(issueAt(main, ['listeners', 'syslog', i, 'id'], `duplicate listener id "${id}"`));
    listenerIds.set(id, i);
    // tcp and tls listeners share the TCP port space.
    const endpoint = `${l.protocol === 'udp' ? 'udp' : 'tcp'}/${l.address}/${l.port}`;
    if (l.port !== 0 && ports.has(endpoint)) issues.push(issueAt(main, ['listeners', 'syslog', i, 'port'], `port ${l.port}/${l.protocol} is already used by listener ${ports.get(endpoint)}`));
    ports.set(endpoint, i);
  });
  config.listeners.snmp.forEach((l, i) => {
    const id = l.id ?? `snmp-${l.port}`;
    if (listenerIds.has(id)) issues.push(issueAt(main, ['listeners', 'snmp', i, 'id'], `duplicate listener id "${id}"`));
    listenerIds.set(id, i);
    const endpoint = `udp/${l.address}/${l.port}`;
    if (l.port !== 0 && ports.has(endpoint)) issues.push(issueAt(main, ['listeners', 'snmp', i, 'port'], `port ${l.port}/udp is already used by another listener`));
    ports.set(endpoint, i);
  });
  return issues;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
