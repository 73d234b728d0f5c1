import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { route as routeSchema } from '../../../src/config/schema/routes.js';
import type { Classification } from '../../../src/core/classification.js';
import type { Severity } from '../../../src/core/severity.js';
import { compileRoutes } from '../../../src/route/policy.js';
import { createRouter } from '../../../src/route/router.js';

const c = (category: string, severity: Severity, ruleId: string | null = 'r1', state: Classification['state'] = 'event'): Classification =>
  ({ ruleId, category, severity, title: 't', state, key: 'k', fields: { ComputerName: 'pc' } });

function policy(routes: unknown[], minSeverity: Record<string, Severity> = {}) {
  const compiled = compileRoutes(routes.map((r) => routeSchema.parse(r)), new Map(Object.entries(minSeverity)));
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
    it(name, () => assert.deepEqual(p.resolve(cl).map((t) => t.channel), want));
  }

  it('reports an invalid severity threshold', () => {
    const r = compileRoutes([routeSchema.parse({ match: { severity: '>=loud' }, channels: ['x'] })], new Map());
    assert.deepEqual(r.problems.map((x) => x.path.join('.')), ['routes.0.match.severity']);
  });

  it('the router builds one notification per channel with the event as its item', () => {
    let n = 0;
    const router = createRouter(p, { newId: () => `n${++n}`, now: () => 1000 });
    const event = { id: 'e1', receivedAt: 999, kind: 'syslog', listener: 'l', peer: { address: '1.2.3.4', port: 1, transport: 'udp' }, host: 'pc', message: 'm', raw: new Uint8Array() } as const;
    const out = router({ event, classification: c('virus', 'warning', 'r1', 'recovery') });
    assert.deepEqual(out.map((x) => [x.id, x.channel, x.kind, x.routeIndex]), [['n1', 'mail', 'recovery', 0], ['n2', 'hook', 'recovery', 0]]);
    assert.equal(out[0]!.items[0]!.eventId, 'e1');
    assert.equal(out[0]!.createdAt, 1000);
  });
});
