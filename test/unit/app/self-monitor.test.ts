import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSelfMonitor, INTERNAL_RULE_IDS, type SelfMonitorOptions } from '../../../src/app/self-monitor.js';
import type { Classifier } from '../../../src/classify/classifier.js';
import type { Classification } from '../../../src/core/classification.js';
import type { GatewayEvent } from '../../../src/core/event.js';
import type { Notification } from '../../../src/core/notification.js';
import { createLogger } from '../../../src/observe/logger.js';
import { createMetrics } from '../../../src/observe/metrics.js';
import { createFakeTime } from '../../helpers/fake-clock.js';

function setup(options: Partial<SelfMonitorOptions> = {}, accept = true, fill = { depth: 0, bound: 0 }) {
  const time = createFakeTime();
  const metrics = createMetrics();
  const events: GatewayEvent[] = [];
  let n = 0;
  const monitor = createSelfMonitor({
    clock: time, timers: time, metrics, log: createLogger({ level: 'silent' }), hostname: 'gw1',
    newId: () => `id${++n}`,
    emit: (e) => (accept ? (events.push(e), true) : false),
    outboxFill: () => fill,
    options: { perSubjectMs: 60_000, burst: 3, refillMs: 600_000, dropCheckMs: 10_000, ...options },
  });
  return { time, metrics, events, monitor, fill };
}

function notification(ruleId: string | null, channel = 'mail'): Notification {
  return {
    id: 'N1', createdAt: 0, kind: 'alert', channel, routeIndex: 0, key: 'k', severity: 'critical', category: 'virus', title: 't', suppressed: 0,
    items: [{ eventId: 'e', receivedAt: 0, host: 'h', message: 'm', ruleId, category: 'virus', severity: 'critical', title: 't', fields: {} }],
  };
}

/** A plain function as a Classifier (explain reports no rule trace). */
function classifier(fn: (e: GatewayEvent) => Classification): Classifier {
  return Object.assign(fn, { explain: (e: GatewayEvent) => ({ classification: fn(e), tried: [], notCandidates: 0 }) });
}

const DEAD = { code: 'ERR_EXEC_EXIT', message: 'hook exited with status 1' };

describe('self-monitoring', () => {
  it('raises a system-status event for a dead letter, classified by its fixed rule', () => {
    const { events, monitor } = setup();
    monitor.deliveryDead('mail', notification('virus-rule'), DEAD);
    assert.equal(events.length, 1);
    const e = events[0]!;
    assert.equal(e.kind, 'internal');
    assert.equal(e.host, 'gw1');
    const c = monitor.classify(classifier(() => assert.fail('user rules are not asked about internal events')))(e);
    assert.equal(c.ruleId, INTERNAL_RULE_IDS['delivery-dead']);
    assert.equal(c.category, 'system-status');
    assert.equal(c.severity, 'error');
    assert.equal(c.key, 'eventgate|delivery-dead|mail');
    assert.match(c.title, /^channel mail: notification N1 given up/);
    assert.equal(c.fields.ErrorDescription, 'ERR_EXEC_EXIT: the hook command exited with a non-zero status');
    const explained = monitor.classify(classifier(() => assert.fail())).explain(e);
    assert.deepEqual([explained.classification.ruleId, explained.tried], [INTERNAL_RULE_IDS['delivery-dead'], []]);
  });

  it('passes every other event to the wrapped classifier', () => {
    const { monitor } = setup();
    const seen: string[] = [];
    const c = monitor.classify(classifier((e) => (seen.push(e.id), { ruleId: null, category: 'other', severity: 'info', title: '', state: 'event', key: '', fields: {} })));
    c({ id: 'x', kind: 'syslog' } as GatewayEvent);
    assert.deepEqual(seen, ['x']);
  });

  it('never loops: a dead self-monitoring notification raises nothing', async () => {
    const { events, metrics, monitor } = setup();
    monitor.deliveryDead('mail', notification(INTERNAL_RULE_IDS['delivery-dead']), DEAD);
    assert.equal(events.length, 0);
    assert.equal((await metrics.internalSuppressed.get()).values.find((v) => v.labels.reason === 'loop')?.value, 1);
  });

  it('speaks once per subject per interval and says how many it held back', async () => {
    const { time, events, monitor } = setup();
    for (let i = 0; i < 5; i++) monitor.deliveryDead('mail', notification('r'), DEAD);
    monitor.deliveryDead('hook', notification('r', 'hook'), DEAD);
    assert.deepEqual(events.map((e) => e.internal?.subject), ['mail', 'hook']);
    await time.advance(60_000);
    monitor.deliveryDead('mail', notification('r'), DEAD);
    assert.equal(events.length, 3);
    assert.match(events[2]!.message, /\(4 similar held back\)$/);
  });

  it('caps the total with a token bucket, whatever the number of subjects', async () => {
    const { time, events, monitor, metrics } = setup();
    for (let i = 0; i < 20; i++) monitor.deliveryDead(`ch${i}`, notification('r', `ch${i}`), DEAD);
    assert.equal(events.length, 3);
    assert.equal((await metrics.internalSuppressed.get()).values.find((v) => v.labels.reason === 'budget')?.value, 17);
    await time.advance(600_000);
    monitor.deliveryDead('ch19', notification('r', 'ch19'), DEAD);
    assert.equal(events.length, 4);
  });

  it('reports drops per listener once per check, counting only what is new', async () => {
    const { time, events, metrics, monitor } = setup();
    metrics.dropped.inc({ listener: 'udp', reason: 'empty' }, 2); // before start: not news
    monitor.start();
    await time.advance(1);
    metrics.dropped.inc({ listener: 'udp', reason: 'queue_full' }, 5);
    metrics.dropped.inc({ listener: 'udp', reason: 'empty' }, 1);
    await time.advance(10_000);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.internal?.kind, 'input-dropped');
    assert.equal(events[0]!.internal?.code, 'ERR_QUEUE_FULL');
    assert.match(events[0]!.message, /listener udp: 6 message\(s\) dropped since the last report \((empty: 1, queue_full: 5|queue_full: 5, empty: 1)\)/);
    await time.advance(10_000);
    assert.equal(events.length, 1, 'no new drops, no event');
    monitor.stop();
    assert.equal(time.pending(), 0);
  });

  it('a reload rejection names the count and the first problem', () => {
    const { events, monitor } = setup();
    monitor.reloadRejected(2, '/etc/eventgate/eventgate.yaml:3:5 routes[0].colour: unknown key "colour"');
    assert.match(events[0]!.message, /^configuration reload rejected with 2 problem\(s\); the running configuration stays; first: \/etc/);
    assert.equal(monitor.classify(classifier(() => assert.fail()))(events[0]!).ruleId, 'eventgate-reload-failed');
  });

  it('counts an event the full queue refused instead of raising it', async () => {
    const { metrics, monitor } = setup({}, false);
    monitor.reloadRejected(1);
    assert.equal((await metrics.internalEvents.get()).values.length, 0);
    assert.equal((await metrics.internalSuppressed.get()).values.find((v) => v.labels.reason === 'queue_full')?.value, 1);
  });

  it('raises outbox nearly full at 80 % of the bound, and full (error) at the bound', async () => {
    const { events, monitor, fill, time } = setup({ perSubjectMs: 1000 });
    fill.bound = 1000;
    fill.depth = 799;
    monitor.checkOutbox();
    assert.equal(events.length, 0);
    fill.depth = 800;
    monitor.checkOutbox();
    assert.equal(events.length, 1);
    assert.equal(events[0]!.internal?.kind, 'outbox-full');
    assert.equal(events[0]!.internal?.severity, 'warning');
    assert.match(events[0]!.message, /outbox nearly full: 800 of 1000/);
    const c = monitor.classify(classifier(() => { throw new Error('not used'); }))(events[0]!);
    assert.equal(c.ruleId, INTERNAL_RULE_IDS['outbox-full']);
    assert.equal(c.category, 'system-status');
    fill.depth = 1000;
    monitor.checkOutbox();
    assert.equal(events.length, 1, 'once per subject per interval');
    await time.advance(1000);
    monitor.checkOutbox();
    assert.equal(events.length, 2);
    assert.equal(events[1]!.internal?.severity, 'error');
    assert.equal(events[1]!.internal?.code, 'ERR_OUTBOX_FULL');
  });
});
