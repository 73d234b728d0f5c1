/**
 * The policy engine on a fake timeline: limit, dedup, digest (both modes), problem /
 * recovery / repeat / auto-resolve, silences and absence. Time is a number passed in.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventMatch } from '../../../src/config/schema/routes.js';
import { createAllowList } from '../../../src/listeners/access.js';
import { compileSilences } from '../../../src/route/silences.js';
import { engineFor, ev, H, M, S } from './policy-helpers.js';

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);

describe('limit', () => {
  const cases = [
    { name: 'per channel: 2 per minute, 5 events → 2 sent, summary of 3', perKey: false, keys: ['a', 'b', 'a', 'b', 'c'], sent: 2, summary: 3 },
    { name: 'per key: 2 per minute per key, a×3 b×2 → 4 sent, summary of 1', perKey: true, keys: ['a', 'a', 'a', 'b', 'b'], sent: 4, summary: 1 },
    { name: 'under the limit: no summary', perKey: false, keys: ['a', 'b'], sent: 2, summary: 0 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const e = engineFor({ routes: [{ channels: ['a'], limit: { count: 2, per: '1m', per_key: c.perKey } }] });
      let sent = 0;
      c.keys.forEach((k, i) => {
        sent += e.process(ev({ key: k, host: `h-${k}`, fields: { VirusName: 'EICAR' } }), T0 + i * S).notifications.length;
      });
      assert.equal(sent, c.sent);
      assert.deepEqual(e.tick(T0 + 59 * S).notifications, [], 'nothing before the window ends');
      const summaries = e.tick(T0 + M + 5 * S).notifications;
      if (c.summary === 0) {
        assert.equal(summaries.length, 0);
        return;
      }
      assert.equal(summaries.length, c.perKey ? 1 : 1);
      const s = summaries[0]!;
      assert.equal(s.kind, 'summary');
      assert.equal(s.suppressed, c.summary);
      assert.match(s.title, new RegExp(`^${c.summary} more notification\\(s\\) suppressed`));
      assert.match(s.title, /top threats: EICAR/);
      assert.match(s.title, /top hosts: h-/);
    });
  }

  it('starts a new window after the old one ended, sending the old summary first', () => {
    const e = engineFor({ routes: [{ channels: ['a'], limit: { count: 1, per: '1m' } }] });
    assert.equal(e.process(ev(), T0).notifications.length, 1);
    assert.equal(e.process(ev(), T0 + S).notifications.length, 0);
    const next = e.process(ev(), T0 + 2 * M).notifications;
    assert.deepEqual(next.map((n) => n.kind), ['summary', 'alert']);
  });
});

describe('dedup', () => {
  it('folds repeats of one key inside the window into one follow-up with count and first/last seen', () => {
    const e = engineFor({ routes: [{ channels: ['a'], dedup: { window: '10m' } }] });
    const first = e.process(ev({ key: 'x' }), T0).notifications;
    assert.equal(first.length, 1);
    assert.equal(first[0]!.kind, 'alert');
    for (const t of [1, 2, 3]) assert.equal(e.process(ev({ key: 'x' }), T0 + t * M).notifications.length, 0);
    assert.equal(e.process(ev({ key: 'y' }), T0 + 4 * M).notifications.length, 1, 'another key is not folded');
    assert.deepEqual(e.tick(T0 + 9 * M).notifications, []);
    const [rep] = e.tick(T0 + 10 * M).notifications;
    assert.equal(rep?.kind, 'repeat');
    assert.equal(rep?.count, 4);
    assert.equal(rep?.firstSeen, T0);
    assert.equal(rep?.lastSeen, T0 + 3 * M);
    assert.equal(e.process(ev({ key: 'x' }), T0 + 11 * M).notifications.length, 1, 'a new window notifies again');
  });

  it('a window without repeats ends silently; channel-level dedup applies when the route sets none', () => {
    const e = engineFor({ routes: [{ channels: ['a'] }], channels: { a: { dedup: { window: '1m' } } } });
    assert.equal(e.process(ev(), T0).notifications.length, 1);
    assert.equal(e.process(ev(), T0 + S).notifications.length, 0);
    assert.equal(e.tick(T0 + M).notifications[0]?.count, 2);
    assert.equal(e.process(ev(), T0 + 2 * M).notifications.length, 1);
    assert.deepEqual(e.tick(T0 + 4 * M).notifications, []);
  });
});

describe('digest', () => {
  it('combined: one notification with every item after the interval; severity is the highest', () => {
    const e = engineFor({ routes: [{ channels: ['a'], digest: { interval: '10m' } }] });
    e.process(ev({ severity: 'warning', category: 'update', key: '1' }), T0);
    e.process(ev({ severity: 'critical', category: 'virus', key: '2' }), T0 + M);
    e.process(ev({ severity: 'info', category: 'update', key: '3' }), T0 + 2 * M);
    assert.deepEqual(e.tick(T0 + 9 * M).notifications, []);
    const out = e.tick(T0 + 10 * M).notifications;
    assert.equal(out.length, 1);
    assert.equal(out[0]!.kind, 'digest');
    assert.equal(out[0]!.items.length, 3);
    assert.equal(out[0]!.severity, 'critical');
    assert.equal(out[0]!.category, 'mixed');
    assert.equal(out[0]!.count, 3);
    assert.deepEqual(e.tick(T0 + 30 * M).notifications, [], 'an empty interval sends nothing');
  });

  it('each: every notification on its own, all at the end of the interval', () => {
    const e = engineFor({ routes: [{ channels: ['a'], digest: { interval: '2m', mode: 'each' } }] });
    for (let i = 0; i < 3; i++) assert.equal(e.process(ev({ key: String(i) }), T0 + i * S).notifications.length, 0);
    const out = e.tick(T0 + 2 * M).notifications;
    assert.deepEqual(out.map((n) => n.kind), ['alert', 'alert', 'alert']);
    assert.deepEqual(out.map((n) => n.key), ['0', '1', '2']);
  });

  it('max_items bounds a combined digest; the rest is counted', () => {
    const e = engineFor({ routes: [{ channels: ['a'], digest: { interval: '1m', max_items: 2 } }] });
    for (let i = 0; i < 5; i++) e.process(ev({ key: String(i) }), T0 + i);
    const [d] = e.tick(T0 + M).notifications;
    assert.equal(d!.items.length, 2);
    assert.equal(d!.count, 5);
    assert.equal(d!.suppressed, 3);
  });
});

describe('problem and recovery', () => {
  const route = { match: { category: 'system-status', severity: '>=warning' }, channels: ['a'] };
  const problem = (at: number) => ev({ category: 'system-status', severity: 'error', state: 'problem', key: 'svc|pc-1' }), recovery = () =>
    ev({ category: 'system-status', severity: 'info', state: 'recovery', key: 'svc|pc-1', title: 'scanner started' });

  it('notifies a problem once, counts repeats, and notifies the recovery (even below the route severity)', () => {
    const e = engineFor({ routes: [route] });
    assert.deepEqual(e.process(problem(0), T0).notifications.map((n) => n.kind), ['alert']);
    assert.equal(e.process(problem(0), T0 + M).notifications.length, 0);
    const rec = e.process(recovery(), T0 + 5 * M).notifications;
    assert.deepEqual(rec.map((n) => n.kind), ['recovery']);
    assert.equal(rec[0]!.count, 2);
    assert.equal(rec[0]!.firstSeen, T0);
    assert.equal(rec[0]!.title, 'scanner started');
    assert.equal(e.process(recovery(), T0 + 6 * M).notifications.length, 0, 'a recovery without an open problem is quiet');
  });

  it('recovery: false closes silently', () => {
    const e = engineFor({ routes: [{ ...route, recovery: false }] });
    e.process(problem(0), T0);
    assert.equal(e.process(recovery(), T0 + M).notifications.length, 0);
    assert.equal(e.process(problem(0), T0 + 2 * M).notifications.length, 1, 'the problem was closed');
  });

  it('a problem held back by the limit gets no recovery', () => {
    const e = engineFor({ routes: [{ ...route, limit: { count: 1, per: '1h' } }] });
    e.process(ev({ category: 'system-status', severity: 'error', state: 'problem', key: 'other' }), T0);
    assert.equal(e.process(problem(0), T0 + S).notifications.length, 0);
    assert.equal(e.process(recovery(), T0 + 2 * S).notifications.length, 0);
  });

  const timeline = [
    { name: 'repeat every 1h while open', spec: { repeat: '1h' }, at: [[59 * M, []], [H, ['repeat']], [H + M, []], [2 * H, ['repeat']]] },
    { name: 'auto-resolve after 2h unseen', spec: { auto_resolve: '2h' }, at: [[H, []], [2 * H, ['recovery']], [3 * H, []]] },
    { name: 'repeat and auto-resolve together', spec: { repeat: '1h', auto_resolve: '90m' }, at: [[H, ['repeat']], [90 * M, ['recovery']], [2 * H, []]] },
  ] as const;
  for (const c of timeline) {
    it(c.name, () => {
      const e = engineFor({ routes: [{ ...route, ...c.spec }] });
      e.process(problem(0), T0);
      for (const [t, kinds] of c.at) assert.deepEqual(e.tick(T0 + t).notifications.map((n) => n.kind), kinds, `at +${t / M}m`);
    });
  }

  it('auto-resolve marks the title', () => {
    const e = engineFor({ routes: [{ ...route, auto_resolve: '1h' }] });
    e.process(problem(0), T0);
    assert.match(e.tick(T0 + H).notifications[0]!.title, /auto-resolved/);
  });
});

describe('silences', () => {
  const silence = (match: object, start: number, end: number) =>
    compileSilences([{ id: 'maint', match: eventMatch.parse(match), startsAt: start, endsAt: end }], createAllowList, () => []).silences;

  it('holds back matching events (stored, not notified) only inside the window', () => {
    const e = engineFor({ routes: [{ channels: ['a'] }] });
    e.setSilences(silence({ host: ['10.0.0.0/8'] }, T0 + M, T0 + 2 * M));
    assert.equal(e.process(ev({ source: '10.1.2.3' }), T0).notifications.length, 1, 'before');
    const d = e.process(ev({ source: '10.1.2.3' }), T0 + M);
    assert.equal(d.notifications.length, 0);
    assert.equal(d.silencedBy, 'maint');
    assert.equal(e.process(ev({ source: '192.0.2.1' }), T0 + M).notifications.length, 1, 'not matching');
    assert.equal(e.process(ev({ source: '10.1.2.3' }), T0 + 2 * M).notifications.length, 1, 'after');
  });

  it('notifies a problem still open when its silence ends; one cleared during the silence stays quiet', () => {
    const e = engineFor({ routes: [{ channels: ['a'] }] });
    e.setSilences(silence({ category: 'system-status' }, T0, T0 + H));
    const p = (key: string, state: 'problem' | 'recovery') => ev({ category: 'system-status', severity: 'error', state, key });
    assert.equal(e.process(p('open', 'problem'), T0 + M).notifications.length, 0);
    assert.equal(e.process(p('closed', 'problem'), T0 + M).notifications.length, 0);
    assert.equal(e.process(p('closed', 'recovery'), T0 + 2 * M).notifications.length, 0);
    assert.deepEqual(e.tick(T0 + 30 * M).notifications, []);
    const out = e.tick(T0 + H).notifications;
    assert.deepEqual(out.map((n) => [n.kind, n.key]), [['alert', 'open']]);
    assert.deepEqual(e.process(p('open', 'recovery'), T0 + 2 * H).notifications.map((n) => n.kind), ['recovery']);
  });
});

describe('absence', () => {
  it('raises a system-status problem when an expected event does not arrive, and clears it when it does', () => {
    const e = engineFor({
      routes: [{ match: { category: 'system-status' }, channels: ['a'] }],
      absence: [{ id: 'daily-update', match: { category: 'update', rule: 'update-ok' }, within: '24h', expect: ['av-1'] }],
    });
    e.restore([], T0);
    e.process(ev({ category: 'update', rule: 'update-ok', severity: 'info', host: 'av-2' }), T0 + H);
    assert.deepEqual(e.tick(T0 + 23 * H).notifications, []);
    const r1 = e.tick(T0 + 24 * H);
    assert.equal(r1.events.length, 1, 'av-1 (expected, never seen) is late');
    assert.equal(r1.events[0]!.classified.classification.category, 'system-status');
    assert.equal(r1.events[0]!.classified.classification.state, 'problem');
    assert.equal(r1.events[0]!.classified.event.host, 'av-1');
    assert.deepEqual(r1.events[0]!.decision.notifications.map((n) => n.kind), ['alert']);
    const r2 = e.tick(T0 + 25 * H);
    assert.deepEqual(r2.events.map((x) => x.classified.event.host), ['av-2']);
    e.process(ev({ category: 'update', rule: 'update-ok', severity: 'info', host: 'av-1' }), T0 + 26 * H);
    const r3 = e.tick(T0 + 26 * H + S);
    assert.deepEqual(r3.events.map((x) => [x.classified.event.host, x.classified.classification.state]), [['av-1', 'recovery']]);
    assert.deepEqual(r3.events[0]!.decision.notifications.map((n) => n.kind), ['recovery']);
    assert.deepEqual(e.tick(T0 + 27 * H).events, [], 'raised once, not every tick');
  });
});

describe('a step of the wall clock (F11)', () => {
  const H1 = 60 * M;
  for (const step of [-H1, H1]) {
    it(`${step < 0 ? 'back' : 'forward'} an hour: digest, dedup, limit and repeat deadlines keep their distance; changes are recorded`, () => {
      const e = engineFor({ routes: [
        { channels: ['d'], match: { category: 'update' }, digest: { interval: '10m' } },
        { channels: ['w'], match: { category: 'virus' }, dedup: { window: '10m' } },
        { channels: ['l'], match: { category: 'other' }, limit: { count: 1, per: '10m' } },
        { channels: ['r'], match: { category: 'system-status' }, repeat: '10m' },
      ] });
      e.process(ev({ category: 'update', key: 'u' }), T0);
      e.process(ev({ category: 'virus', key: 'v' }), T0);
      e.process(ev({ category: 'virus', key: 'v' }), T0 + M);
      e.process(ev({ category: 'other', key: 'o1' }), T0);
      e.process(ev({ category: 'other', key: 'o2' }), T0 + M);
      assert.equal(e.process(ev({ category: 'system-status', key: 's', state: 'problem' }), T0).notifications.length, 1);
      e.takeChanges();
      e.shift(step);
      assert.ok(e.takeChanges().length >= 4, 'the moved rows are written with the next commit');
      // Nine minutes on in the new frame: nothing is due yet (a step forward made nothing overdue).
      assert.deepEqual(e.tick(T0 + step + 9 * M).notifications, []);
      // Ten minutes on: each comes out once (after a step back, not an hour late).
      const out = e.tick(T0 + step + 10 * M).notifications;
      assert.deepEqual(out.map((n) => `${n.channel}:${n.kind}`).sort(), ['d:digest', 'l:summary', 'r:repeat', 'w:repeat']);
      assert.deepEqual(e.tick(T0 + step + 11 * M).notifications, []);
    });
  }
});

describe('state', () => {
  it('is reported as changes, and a new engine restored from it continues where the old stopped', () => {
    const spec = { routes: [{ channels: ['a'], dedup: { window: '10m' } }] };
    const a = engineFor(spec);
    a.process(ev({ key: 'x' }), T0);
    a.process(ev({ key: 'x' }), T0 + M);
    const changes = a.takeChanges();
    assert.equal(changes.length, 1);
    assert.match(changes[0]!.id, /^d\|route-0>a\|x$/);
    assert.deepEqual(a.takeChanges(), []);
    const b = engineFor(spec);
    b.restore(JSON.parse(JSON.stringify(a.exportState())), T0 + 2 * M);
    assert.equal(b.process(ev({ key: 'x' }), T0 + 2 * M).notifications.length, 0, 'still inside the window');
    assert.equal(b.tick(T0 + 10 * M).notifications[0]?.count, 3);
    assert.deepEqual(b.takeChanges().map((c) => c.value), [null], 'the window row is deleted');
  });

  it('routes: first match wins unless continue; channel min severity; product, fields and host matchers', () => {
    const e = engineFor({
      channels: { a: {}, b: { min_severity: 'error' }, c: {} },
      routes: [
        { match: { product: 'Kaspersky', fields: { VirusName: { regex: '^EICAR' } } }, channels: ['a', 'b'], continue: true },
        { match: { host: ['fs01', '2001:db8::/32'] }, channels: ['c'] },
        { channels: ['b'] },
      ],
    });
    const ch = (x: ReturnType<typeof ev>) => e.process(x, T0).notifications.map((n) => n.channel);
    assert.deepEqual(ch(ev({ host: 'fs01', fields: { Product: 'kaspersky', VirusName: 'EICAR-1' } })), ['a', 'b', 'c']);
    assert.deepEqual(ch(ev({ host: 'fs02', severity: 'warning', fields: { Product: 'Kaspersky', VirusName: 'EICAR-1' } })), ['a']);
    assert.deepEqual(ch(ev({ host: 'x', source: '2001:db8::5', fields: { Product: 'ESET' } })), ['c']);
    assert.deepEqual(ch(ev({ host: 'x', severity: 'info' })), []);
  });
});
