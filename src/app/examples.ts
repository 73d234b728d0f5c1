/**
 * Rule examples: each rule may carry example inputs with the classification they must get.
 * `eventgate check` runs them all through the real parser and classifier.
 */
import { issueAt, type ConfigIssue } from '../config/source-map.js';
import { syslogEvent } from '../listeners/syslog/normalize.js';
import type { GatewayPlan } from './compile.js';

const EXAMPLE_PEER = { address: '192.0.2.1', port: 514, transport: 'udp' } as const;

/** Runs every example of every loaded rule; returns one issue per failed expectation. */
export function runRuleExamples(plan: GatewayPlan, now = Date.now()): { run: number; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  let run = 0;
  for (const { file, index, rule } of plan.loaded.rules) {
    const source = plan.loaded.sources.get(file)!;
    rule.examples.forEach((ex, i) => {
      run++;
      const at = (msg: string) => issues.push(issueAt(source, ['rules', index, 'examples', i], `rule ${rule.id}: example ${i + 1}: ${msg}`));
      const built = syslogEvent(Buffer.from(ex.input, 'utf8'), { id: 'example', now, listener: 'example', peer: EXAMPLE_PEER });
      if (!built) return at('input is empty');
      const c = plan.classifier(built.event);
      const wantRule = ex.expect.rule === undefined ? rule.id : ex.expect.rule;
      if (c.ruleId !== wantRule) at(`matched rule ${c.ruleId ?? '(none)'}, expected ${wantRule ?? '(none)'}`);
      if (ex.expect.category !== undefined && c.category !== ex.expect.category) at(`category is ${c.category}, expected ${ex.expect.category}`);
      if (ex.expect.severity !== undefined && c.severity !== ex.expect.severity) at(`severity is ${c.severity}, expected ${ex.expect.severity}`);
      for (const [k, v] of Object.entries(ex.expect.fields ?? {})) {
        if (c.fields[k] !== v) at(`field ${k} is ${JSON.stringify(c.fields[k] ?? null)}, expected ${JSON.stringify(v)}`);
      }
    });
  }
  return { run, issues };
}
