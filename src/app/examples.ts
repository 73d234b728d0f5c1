/**
 * Rule examples: each rule may carry example inputs (a syslog line, or a trap
 * description) with the classification they must get. `eventgate check` runs them all
 * through the real parser and classifier. An example's `payload` stands in for the
 * syslog payload parser only when the parser yields none for the line.
 */
import type { RuleExample } from '../config/schema/rules.js';
import { issueAt, type ConfigIssue } from '../config/source-map.js';
import type { Classification } from '../core/classification.js';
import type { GatewayEvent } from '../core/event.js';
import { syslogEvent } from '../listeners/syslog/normalize.js';
import type { GatewayPlan } from './compile.js';
import { trapEvent, withPayload } from './trap-description.js';

/** Builds the event an example describes; a string explains why it cannot. */
export function exampleEvent(ex: RuleExample, now: number): GatewayEvent | string {
  const peer = { address: ex.peer, port: ex.trap ? 162 : 514, transport: 'udp' } as const;
  if (ex.trap) return trapEvent(ex.trap, { id: 'example', now, listener: ex.listener, peer, ...(ex.host ? { host: ex.host } : {}) });
  const built = syslogEvent(Buffer.from(ex.input ?? '', 'utf8'), { id: 'example', now, listener: ex.listener, peer });
  if (!built) return 'input is empty';
  return withPayload(built.event, ex.payload);
}

/** Differences between what an example expects and what the rule set produced. */
export function exampleMismatches(ruleId: string, ex: RuleExample, c: Classification): string[] {
  const out: string[] = [];
  const e = ex.expect;
  const wantRule = e.rule === undefined ? ruleId : e.rule;
  if (c.ruleId !== wantRule) out.push(`matched rule ${c.ruleId ?? '(none)'}, expected ${wantRule ?? '(none)'}`);
  if (e.category !== undefined && c.category !== e.category) out.push(`category is ${c.category}, expected ${e.category}`);
  if (e.severity !== undefined && c.severity !== e.severity) out.push(`severity is ${c.severity}, expected ${e.severity}`);
  if (e.title !== undefined && c.title !== e.title) out.push(`title is ${JSON.stringify(c.title)}, expected ${JSON.stringify(e.title)}`);
  if (e.key !== undefined && c.key !== e.key) out.push(`key is ${JSON.stringify(c.key)}, expected ${JSON.stringify(e.key)}`);
  if (e.state !== undefined && c.state !== e.state) out.push(`state is ${c.state}, expected ${e.state}`);
  if (e.drop !== undefined && (c.drop ?? false) !== e.drop) out.push(e.drop ? 'event was not dropped' : 'event was dropped');
  for (const [k, v] of Object.entries(e.fields ?? {})) {
    if (c.fields[k] !== v) out.push(`field ${k} is ${JSON.stringify(c.fields[k] ?? null)}, expected ${JSON.stringify(v)}`);
  }
  return out;
}

/** Runs every example of every loaded rule; returns one issue per failed expectation. */
export function runRuleExamples(plan: GatewayPlan, now = Date.now()): { run: number; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  let run = 0;
  for (const { file, index, rule } of plan.loaded.rules) {
    const source = plan.loaded.sources.get(file)!;
    rule.examples.forEach((ex, i) => {
      run++;
      const at = (msg: string) => issues.push(issueAt(source, ['rules', index, 'examples', i], `rule ${rule.id}: example ${i + 1}: ${msg}`));
      const event = exampleEvent(ex, now);
      if (typeof event === 'string') return at(event);
      let c: Classification;
      try {
        c = plan.classifier(event);
      } catch (err) {
        return at(`classifying threw: ${(err as Error).message}`);
      }
      for (const m of exampleMismatches(rule.id, ex, c)) at(m);
    });
  }
  return { run, issues };
}
