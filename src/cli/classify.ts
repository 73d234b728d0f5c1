/**
 * `eventgate classify`: a dry run for rule authors. Each stdin line is a syslog message,
 * or a JSON trap description (`{"trap": {"oid": ..., "varbinds": [...]}, "host": ...}`);
 * it is classified and routed with the real stages, and one JSON object per line says
 * what happened and why: the rule that matched, each of its conditions with its outcome,
 * and the rules tried before it. Nothing is sent or stored.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { trapEvent, type TrapDescription } from '../app/trap-description.js';
import type { GatewayEvent } from '../core/event.js';
import { createUlidFactory } from '../core/ids.js';
import { syslogEvent } from '../listeners/syslog/normalize.js';
import { subjectOf } from '../route/matcher.js';
import type { Io } from './check.js';
import { loadPlan, printIssues } from './load-plan.js';

const STDIN_PEER = { address: '127.0.0.1', port: 0, transport: 'udp' } as const;

interface TrapLine {
  trap: TrapDescription;
  host?: string;
  peer?: string;
}

function asTrapLine(line: string): TrapLine | undefined {
  if (!line.trimStart().startsWith('{')) return undefined;
  try {
    const v = JSON.parse(line) as Partial<TrapLine>;
    if (v && typeof v === 'object' && v.trap && typeof v.trap.oid === 'string') return v as TrapLine;
  } catch {
    // Not JSON: classify it as a syslog line like any other.
  }
  return undefined;
}

function buildEvent(line: string, id: string, now: number): { event: GatewayEvent; problem?: string } | undefined {
  const t = asTrapLine(line);
  if (t) {
    const peer = { ...STDIN_PEER, address: t.peer ?? STDIN_PEER.address, port: 162 };
    return { event: trapEvent(t.trap, { id, now, listener: 'stdin', peer, ...(t.host ? { host: t.host } : {}) }) };
  }
  return syslogEvent(Buffer.from(line, 'utf8'), { id, now, listener: 'stdin', peer: STDIN_PEER });
}

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
    const built = buildEvent(line, newId(), Date.now());
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
