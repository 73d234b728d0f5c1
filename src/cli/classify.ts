/**
 * `eventgate classify`: a dry run for rule authors. Each stdin line is parsed as a syslog
 * message and classified and routed with the real stages; one JSON object per line says
 * what happened. Nothing is sent or stored.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createUlidFactory } from '../core/ids.js';
import { syslogEvent } from '../listeners/syslog/normalize.js';
import type { Io } from './check.js';
import { loadPlan, printIssues } from './load-plan.js';

const STDIN_PEER = { address: '127.0.0.1', port: 0, transport: 'udp' } as const;

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
    const now = Date.now();
    const built = syslogEvent(Buffer.from(line, 'utf8'), { id: newId(), now, listener: 'stdin', peer: STDIN_PEER });
    if (!built) continue;
    const { event } = built;
    const c = plan.classifier(event);
    const channels = plan.policy.resolve(c).map((t) => t.channel);
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
      channels,
    }) + '\n');
  }
  return 0;
}
