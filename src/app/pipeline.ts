/**
 * The ingest pipeline: a bounded queue between listeners and the classify → policy →
 * store stages. Listeners never wait: `emit` returns false when the queue is full. The
 * queue is drained in batches on the event loop; each batch (its history rows, the
 * notifications it caused and the route state it changed) is committed as one store
 * transaction, so a burst costs one disk sync per batch, never one per event.
 */
import type { Classified } from '../core/classification.js';
import type { Clock } from '../core/clock.js';
import type { GatewayEvent } from '../core/event.js';
import type { Notification } from '../core/notification.js';
import type { Logger } from '../observe/logger.js';
import type { Metrics } from '../observe/metrics.js';
import type { Classifier } from '../classify/classifier.js';
import type { Decision, PolicyEngine } from '../route/engine.js';
import type { CommitBatch, HistoryEvent } from '../store/index.js';

export interface Stages {
  readonly classify: Classifier;
  readonly engine: PolicyEngine;
}

export interface PipelineDeps {
  readonly capacity: number;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly clock: Clock;
  /** Persists one batch (history, notifications, route state) and wakes delivery. */
  readonly commit: (batch: CommitBatch) => void;
  /** Called for every classified event (tests, debugging); optional. */
  readonly observe?: (c: Classified, notifications: readonly Notification[]) => void;
}

export interface Pipeline {
  emit(event: GatewayEvent): boolean;
  /**
   * True while a stream listener may add an event (checked before each frame): below half
   * the capacity. UDP listeners wait the same way (their datagrams stay in the receiving
   * thread's burst buffer); the rest of the queue takes what is already in flight.
   */
  hasRoom(): boolean;
  /**
   * Calls `fn` once when the queue has drained to a quarter of its capacity or less (at
   * once if it already has): how a paused TCP connection learns it may read again.
   */
  onDrain(fn: () => void): void;
  /** Replaces the stages (config reload); events already queued use the new ones. */
  swap(stages: Stages): void;
  /** Runs the time-based policy (window ends, digests, repeats, absence) and commits it. */
  tick(): void;
  /** Resolves once everything queued so far has been processed. */
  drain(): Promise<void>;
  size(): number;
}

const BATCH = 1024;
/**
 * Group commit: while the queue holds less than a full batch, a batch is committed at most
 * every COMMIT_EVERY_MS, or every twice the time the previous batch took to process (at
 * most MAX_COMMIT_EVERY_MS): a light stream waits at most 5 ms, a heavy one 10 ms, written in
 * fewer, larger transactions, which cost less per event (each commit rewrites the pages it
 * touched and wakes delivery), so the loop keeps up where it would otherwise drop. Events
 * wait in memory either way, so this changes no delivery guarantee, only receive → outbox
 * latency.
 */
const COMMIT_EVERY_MS = 5;
const MAX_COMMIT_EVERY_MS = 10;

export function createPipeline(initial: Stages, deps: PipelineDeps): Pipeline {
  let stages = initial;
  let queue: GatewayEvent[] = [];
  let head = 0;
  let scheduled = false;
  const waiters: (() => void)[] = [];
  let drainWaiters: (() => void)[] = [];
  // Listeners stop handing events over at half the queue (TCP and TLS stop reading, UDP
  // listeners leave datagrams in their burst buffer); the other half takes what is in flight.
  const streamLimit = Math.max(1, Math.ceil(deps.capacity / 2));
  const lowWater = Math.floor(deps.capacity / 4);
  const log = deps.log.child({ component: 'pipeline' });

  function classify(event: GatewayEvent): Classified {
    try {
      return { event, classification: stages.classify(event) };
    } catch (err) {
      log.error({ err, eventId: event.id }, 'classifier failed; event passed on as other');
      return { event, classification: { ruleId: null, category: 'other', severity: 'info', title: 'unclassifiable event', state: 'event', key: `other|${event.host}`, fields: {} } };
    }
  }

  function account(c: Classified, d: Decision, events: HistoryEvent[], notifications: Notification[]): void {
    deps.metrics.classified.inc({ category: c.classification.category, rule: c.classification.ruleId ?? '' });
    if (d.silencedBy !== undefined) deps.metrics.silenced.inc();
    for (const h of d.held) deps.metrics.suppressed.inc(h);
    notifications.push(...d.notifications);
    events.push({ classified: c, notificationIds: d.notifications.map((n) => n.id), ...(d.silencedBy !== undefined ? { silencedBy: d.silencedBy } : {}) });
    deps.observe?.(c, d.notifications);
  }

  function commit(events: HistoryEvent[], notifications: Notification[]): void {
    const state = stages.engine.takeChanges();
    const evicted = stages.engine.takeEvicted();
    if (evicted) log.warn({ code: 'ERR_POLICY_STATE_FULL', evicted }, 'route state full; the oldest keys were forgotten');
    if (events.length === 0 && notifications.length === 0 && state.length === 0) return;
    try {
      deps.commit({ events, notifications, state });
    } catch (err) {
      // Write failures are kept and retried by the store; anything else is a bug.
      log.error({ err, events: events.length, notifications: notifications.length }, 'committing a batch failed; batch dropped');
      deps.metrics.dropped.inc({ listener: 'pipeline', reason: 'commit_failed' }, events.length);
    }
  }

  let lastRun = -Infinity;
  let lastRunMs = 0;

  function run(): void {
    scheduled = false;
    lastRun = performance.now();
    const now = deps.clock.now();
    const events: HistoryEvent[] = [];
    const notifications: Notification[] = [];
    const start = head;
    const end = Math.min(queue.length, head + BATCH);
    const receivedAt: number[] = new Array(end - start);
    for (; head < end; head++) {
      const event = queue[head]!;
      queue[head] = undefined as unknown as GatewayEvent; // let the event be collected
      receivedAt[head - start] = event.receivedAt;
      try {
        const c = classify(event);
        if (c.classification.drop) {
          // A rule asked for it: intentional, so counted (not stored, not logged per event).
          deps.metrics.classified.inc({ category: c.classification.category, rule: c.classification.ruleId ?? '' });
          deps.metrics.dropped.inc({ listener: event.listener, reason: 'rule' });
          deps.observe?.(c, []);
          continue;
        }
        account(c, stages.engine.process(c, now), events, notifications);
      } catch (err) {
        // One failing event must not stop ingestion of the events behind it.
        log.error({ err, eventId: event.id }, 'processing an event failed; event dropped');
        deps.metrics.dropped.inc({ listener: event.listener, reason: 'processing_failed' });
      }
    }
    commit(events, notifications);
    // After the batch is committed (outbox written), so this is receive → durable.
    const done = deps.clock.now();
    for (const t of receivedAt) deps.metrics.ingestLatency.observe((done - t) / 1000);
    lastRunMs = performance.now() - lastRun;
    if (head >= queue.length) {
      queue = [];
      head = 0;
      for (const w of waiters.splice(0)) w();
    } else {
      schedule();
    }
    if (drainWaiters.length && queue.length - head <= lowWater) notifyDrained();
  }

  function notifyDrained(): void {
    const ws = drainWaiters;
    drainWaiters = [];
    for (const w of ws) {
      try {
        w();
      } catch (err) {
        log.error({ err }, 'a drain callback failed');
      }
    }
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    const every = Math.min(MAX_COMMIT_EVERY_MS, Math.max(COMMIT_EVERY_MS, 2 * lastRunMs));
    const wait = every - (performance.now() - lastRun);
    if (wait > 0 && queue.length - head < BATCH) setTimeout(run, wait);
    else setImmediate(run);
  }

  return {
    emit(event) {
      if (queue.length - head >= deps.capacity) return false;
      queue.push(event);
      schedule();
      return true;
    },
    hasRoom: () => queue.length - head < streamLimit,
    onDrain(fn) {
      if (queue.length - head <= lowWater) queueMicrotask(fn);
      else drainWaiters.push(fn);
    },
    swap(next) {
      stages = next;
    },
    tick() {
      const events: HistoryEvent[] = [];
      const notifications: Notification[] = [];
      try {
        const r = stages.engine.tick(deps.clock.now());
        notifications.push(...r.notifications);
        for (const e of r.events) account(e.classified, e.decision, events, notifications);
      } catch (err) {
        log.error({ err }, 'policy tick failed');
      }
      commit(events, notifications);
    },
    drain() {
      if (queue.length - head === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    size: () => queue.length - head,
  };
}
