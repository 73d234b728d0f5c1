/**
 * Loads and compiles a config for any command, printing every issue in the one format
 * `file:line:column key: message`.
 */
import { compilePlan, type GatewayPlan } from '../app/compile.js';
import { loadConfig } from '../config/load.js';
import { formatIssue, sortIssues, type ConfigIssue } from '../config/source-map.js';

export type PlanResult = { ok: true; plan: GatewayPlan } | { ok: false; issues: ConfigIssue[] };

export function loadPlan(file: string, env: NodeJS.ProcessEnv = process.env): PlanResult {
  const loaded = loadConfig(file, env);
  if (loaded.ok) return compilePlan(loaded.loaded);
  if (!loaded.partial) return { ok: false, issues: loaded.issues };
  // Compile what validated too, so one run lists every problem. When a rule file failed,
  // the fields it would define are unknown: skip "unknown keyword" reports then.
  const compiled = compilePlan(loaded.partial);
  const more = compiled.ok ? [] : compiled.issues.filter((i) => loaded.rulesComplete || !/^(?:rule \S+: )?unknown keyword/.test(i.message));
  return { ok: false, issues: sortIssues([...loaded.issues, ...more]) };
}

export function printIssues(issues: readonly ConfigIssue[], write: (s: string) => void): void {
  for (const i of issues) write(formatIssue(i) + '\n');
}
