/**
 * Route resolution (which channels, in which order) and the notifications the policy
 * engine builds for a plain event: one per channel, the event as its item.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { route as routeSchema } from '../../../src/config/schema/routes.js';
import type { Classification } from '../../../src/core/classification.js';
import type { Severity } from '../../../src/core/severity.js';
import { BUILTIN_KEYWORDS } from '../../../src/core/template.js';
import { createAllowList } from '../../../src/listeners/access.js';
import { createPolicyEngine } from '../../../src/route/engine.js';
import type { MatchSubject } from '../../../src/route/matcher.js';
import { compileRoutes, type ChannelPolicy } from '../../../src/route/policy.js';

const c = (category: string, severity: Severity, ruleId: string | null = 'r1', state: Classification['state'] = 'event'): Classification =>
  ({ ruleId, category, severity, title: 't', state, key: 'k', fields: { ComputerName: 'pc' } });
const subject = (x: Classification): MatchSubject => ({ ...x, host: 'pc' });

function compile(routes: unknown[], minSeverity: Record<string, Severity> = {}) {
  const channels = new Map<string, ChannelPolicy>(Object.entries(minSeverity).map(([k, v]) => [k, { minSeverity: v }]));
  return compileRoutes(routes.map((r) => routeSchema.parse(r)), { channels, keywords: new Set(BUILTIN_KEYWORDS), cidr: createAllowList });
}

function policy(routes: unknown[], minSeverity: Record<string, Severity> = {}) {
  const compiled = compile(routes, minSeverity);
  assert.deepEqual(compiled.problems, []);
  return compiled.policy;
}

describe('routes', () => {
  const p = policy([
    { match: { category: 'virus' }, channels: ['mail', 'hook'], continue: true },
    { match: { category: ['virus', 'system-status'], severity: '>=warning' }, channels: ['mail', 'noc'] },
    { match: { rule: 'special' }, channels: ['special'] },
    { match: {}, channels: ['catch-all'] },
  ], { noc: 'error' });

  const cases: [string, Classification, string[]][] = [
    ['continue reaches later routes, a channel only once', c('virus', 'critical'), ['mail', 'hook', 'noc']],
    ['channel minimum severity', c('virus', 'warning'), ['mail', 'hook']],
    ['severity threshold on a route', c('system-status', 'info', 'x'), ['catch-all']],
    ['first match ends the walk', c('system-status', 'error'), ['mail', 'noc']],
    ['rule id', c('update', 'info', 'special'), ['special']],
    ['no rule id never matches a rule condition', c('other', 'info', null), ['catch-all']],
  ];
  for (const [name, cl, want] of cases) {
    it(name, () => assert.deepEqual(p.resolve(subject(cl)).map((t) => t.channel), want));
  }

  it('reports an invalid severity threshold, an invalid CIDR, an unknown template keyword and a duplicate id', () => {
    const r = compile([
      { id: 'a', match: { severity: '>=loud', host: ['10.0.0.0/99'] }, channels: ['x'], subject: '%Nope%' },
      { id: 'a', channels: ['x'] },
    ]);
    assert.deepEqual(r.problems.map((x) => x.path.join('.')).sort(), ['routes.0.match.host', 'routes.0.match.severity', 'routes.0.subject', 'routes.1.id']);
  });

  it('the engine builds one notification per channel with the event as its item', () => {
    let n = 0;
    const engine = createPolicyEngine(p, { newId: () => `n${++n}` });
    const event = { id: 'e1', receivedAt: 999, kind: 'syslog', listener: 'l', peer: { address: '1.2.3.4', port: 1, transport: 'udp' }, host: 'pc', message: 'm', raw: new Uint8Array() } as const;
    const out = engine.process({ event, classification: c('virus', 'warning') }, 1000).notifications;
    assert.deepEqual(out.map((x) => [x.id, x.channel, x.kind, x.routeIndex]), [['n1', 'mail', 'alert', 0], ['n2', 'hook', 'alert', 0]]);
    assert.equal(out[0]!.items[0]!.eventId, 'e1');
    assert.equal(out[0]!.items[0]!.source, '1.2.3.4');
    assert.equal(out[0]!.createdAt, 1000);
  });
});
