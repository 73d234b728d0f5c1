/**
 * Loads and compiles a config for any command, printing every issue in the one format
 * `file:line:column key: message`.
 */
import { compilePlan, type GatewayPlan } from '../app/compile.js';
import { loadConfig } from '../config/load.js';
import { formatIssue, type ConfigIssue } from '../config/source-map.js';

export type PlanResult = { ok: true; plan: GatewayPlan } | { ok: false; issues: ConfigIssue[] };

export function loadPlan(file: string, env: NodeJS.ProcessEnv = process.env): PlanResult {
  const loaded = loadConfig(file, env);
  if (!loaded.ok) return loaded;
  return compilePlan(loaded.loaded);
}

export function printIssues(issues: readonly ConfigIssue[], write: (s: string) => void): void {
  for (const i of issues) write(formatIssue(i) + '\n');
}
