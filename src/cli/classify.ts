/**
 * `eventgate classify`: a dry run for rule authors. Each stdin line is a syslog message,
 * or a JSON trap description (`{"trap": {"oid": ..., "varbinds": [...]}, "host": ...}`);
 * it is classified and routed with the real stages, and one JSON object per line says
 * what happened and why: the rule that matched, each of its conditions with its outcome,
 * and the rules tried before it. Nothing is sent or stored.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createUlidFactory } from '../core/ids.js';
import { subjectOf } from '../route/matcher.js';
import type { Io } from './check.js';
import { inputEvent } from './input-lines.js';
import { loadPlan, printIssues } from './load-plan.js';

export async function classify(configFile: string, input: Readable, io: Io): Promise<number> {
  const result = loadPlan(configFile);
  if (!result.ok) {
    printIssues(result.issues, io.stderr);
    return 1;
  }
  const { plan } = result;
  const newId = createUlidFactory(Date.now);
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const built = inputEvent(line, newId(), Date.now());
    if (!built) continue;
    const { event } = built;
    const { classification: c, tried, notCandidates } = plan.classifier.explain(event);
    const channels = c.drop ? [] : plan.policy.resolve(subjectOf({ event, classification: c })).map((t) => t.channel);
    const matched = tried.filter((t) => t.result === 'matched');
    const { raw: _raw, ...shown } = event;
    io.stdout(JSON.stringify({
      event: shown,
      ...(built.problem ? { problem: built.problem } : {}),
      rule: c.ruleId,
      category: c.category,
      severity: c.severity,
      title: c.title,
      state: c.state,
      key: c.key,
      fields: c.fields,
      ...(c.drop ? { drop: true } : {}),
      channels,
      why: {
        matched: matched.map((t) => ({ rule: t.rule, file: t.file, conditions: t.conditions })),
        tried: tried.map((t) => ({ rule: t.rule, result: t.result, ...(t.missing !== undefined ? { missing: t.missing } : {}) })),
        not_candidates: notCandidates,
      },
    }) + '\n');
  }
  return 0;
}
