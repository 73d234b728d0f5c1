/**
 * Builders for policy-engine tests: routes and channels from config-shaped objects (parsed
 * by the real schema, so defaults apply), and classified events.
 */
import { channel as channelSchema } from '../../../src/config/schema/channels.js';
import { absence as absenceSchema } from '../../../src/config/schema/policy.js';
import { route as routeSchema } from '../../../src/config/schema/routes.js';
import type { Classified, ClassificationState } from '../../../src/core/classification.js';
import type { Severity } from '../../../src/core/severity.js';
import { BUILTIN_KEYWORDS } from '../../../src/core/template.js';
import { createAllowList } from '../../../src/listeners/access.js';
import { absenceRule } from '../../../src/route/absence.js';
import { createPolicyEngine, type PolicyEngine } from '../../../src/route/engine.js';
import { compileMatch } from '../../../src/route/matcher.js';
import { compileRoutes, type ChannelPolicy } from '../../../src/route/policy.js';

export interface EngineSpec {
  routes: unknown[];
  channels?: Record<string, Record<string, unknown>>;
  absence?: unknown[];
}

export function engineFor(spec: EngineSpec): PolicyEngine {
  const channels = new Map<string, ChannelPolicy>();
  for (const [id, c] of Object.entries(spec.channels ?? { a: {}, b: {} })) {
    const parsed = channelSchema.parse({ type: 'log', ...c });
    channels.set(id, {
      minSeverity: parsed.min_severity,
      ...(parsed.limit ? { limit: parsed.limit } : {}),
      ...(parsed.digest ? { digest: parsed.digest } : {}),
      ...(parsed.dedup ? { dedup: parsed.dedup } : {}),
    });
  }
  const { policy, problems } = compileRoutes(spec.routes.map((r) => routeSchema.parse(r)), {
    channels, keywords: new Set(BUILTIN_KEYWORDS), cidr: createAllowList,
  });
  if (problems.length) throw new Error(JSON.stringify(problems));
  let n = 0;
  const absence = (spec.absence ?? []).map((a) => {
    const parsed = absenceSchema.parse(a);
    return absenceRule(parsed, compileMatch(parsed.match, [], createAllowList).matcher);
  });
  return createPolicyEngine(policy, { newId: () => `N${String(++n).padStart(4, '0')}`, absence });
}

let eventSeq = 0;

export function ev(o: {
  category?: string; severity?: Severity; state?: ClassificationState; key?: string; host?: string; source?: string;
  rule?: string | null; fields?: Record<string, string>; title?: string; at?: number;
} = {}): Classified {
  const host = o.host ?? 'pc-1';
  return {
    event: {
      id: `E${++eventSeq}`, receivedAt: o.at ?? 0, kind: 'syslog', listener: 'test',
      peer: { address: o.source ?? '192.0.2.10', port: 514, transport: 'udp' }, host, message: o.title ?? 'message', raw: new Uint8Array(),
    },
    classification: {
      ruleId: o.rule === undefined ? 'r1' : o.rule, category: o.category ?? 'virus', severity: o.severity ?? 'critical',
      title: o.title ?? 'title', state: o.state ?? 'event', key: o.key ?? `k|${host}`, fields: { ComputerName: host, ...o.fields },
    },
  };
}

export const S = 1000;
export const M = 60_000;
export const H = 3_600_000;
