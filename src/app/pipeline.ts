/**
 * The ingest pipeline: a bounded queue between listeners and the classify → route →
 * outbox stages. Listeners never wait: `emit` returns false when the queue is full. The
 * queue is drained in batches on the event loop, so a burst never starves the sockets.
 */
import type { Classified } from '../core/classification.js';
import type { Clock } from '../core/clock.js';
import type { GatewayEvent } from '../core/event.js';
import type { Notification } from '../core/notification.js';
import type { Logger } from '../observe/logger.js';
import type { Metrics } from '../observe/metrics.js';
import type { Classifier } from '../classify/classifier.js';
import type { Router } from '../route/router.js';

export interface Stages {
  readonly classify: Classifier;
  readonly route: Router;
}

export interface PipelineDeps {
  readonly capacity: number;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly clock: Clock;
  /** Persists notifications (the outbox) and wakes delivery. */
  readonly enqueue: (notifications: Notification[]) => void;
  /** Called for every classified event (history, debugging); optional. */
  readonly observe?: (c: Classified, notifications: readonly Notification[]) => void;
}

export interface Pipeline {
  emit(event: GatewayEvent): boolean;
  /** True while `emit` would accept an event (stream listeners check before each frame). */
  hasRoom(): boolean;
  /**
   * Calls `fn` once when the queue has drained to half its capacity or less (at once if it
   * already has): how a paused TCP connection learns it may read again.
   */
  onDrain(fn: () => void): void;
  /** Replaces the stages (config reload); events already queued use the new ones. */
  swap(stages: Stages): void;
  /** Resolves once everything queued so far has been processed. */
  drain(): Promise<void>;
  size(): number;
}

const BATCH = 256;

export function createPipeline(initial: Stages, deps: PipelineDeps): Pipeline {
  let stages = initial;
  let queue: GatewayEvent[] = [];
  let head = 0;
  let scheduled = false;
  const waiters: (() => void)[] = [];
  let drainWaiters: (() => void)[] = [];
  const lowWater = Math.floor(deps.capacity / 2);
  const log = deps.log.child({ component: 'pipeline' });

  function process(event: GatewayEvent): void {
    let classification;
    try {
      classification = stages.classify(event);
    } catch (err) {
      log.error({ err, eventId: event.id }, 'classifier failed; event passed on as other');
      classification = { ruleId: null, category: 'other', severity: 'info', title: 'unclassifiable event', state: 'event', key: `other|${event.host}`, fields: {} } as const;
    }
    deps.metrics.classified.inc({ category: classification.category });
    const classified: Classified = { event, classification };
    if (classification.drop) {
      // A rule asked for it: intentional, so counted but not logged per event.
      deps.metrics.dropped.inc({ listener: event.listener, reason: 'rule' });
      deps.observe?.(classified, []);
      return;
    }
    const notifications = stages.route(classified);
    if (notifications.length) deps.enqueue(notifications);
    deps.observe?.(classified, notifications);
  }

  function run(): void {
    scheduled = false;
    const start = head;
    const end = Math.min(queue.length, head + BATCH);
    const receivedAt: number[] = new Array(end - start);
    for (; head < end; head++) {
      const event = queue[head]!;
      queue[head] = undefined as unknown as GatewayEvent; // let the event be collected
      receivedAt[head - start] = event.receivedAt;
      try {
        process(event);
      } catch (err) {
        // A failing store must not stop ingestion of the events behind this one.
        log.error({ err, eventId: event.id }, 'processing an event failed; event dropped');
        deps.metrics.dropped.inc({ listener: event.listener, reason: 'processing_failed' });
      }
    }
    // After the batch is committed (outbox written), so this is receive → durable.
    const done = deps.clock.now();
    for (const t of receivedAt) deps.metrics.ingestLatency.observe((done - t) / 1000);
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
    setImmediate(run);
  }

  return {
    emit(event) {
      if (queue.length - head >= deps.capacity) return false;
      queue.push(event);
      schedule();
      return true;
    },
    hasRoom: () => queue.length - head < deps.capacity,
    onDrain(fn) {
      if (queue.length - head <= lowWater) queueMicrotask(fn);
      else drainWaiters.push(fn);
    },
    swap(next) {
      stages = next;
    },
    drain() {
      if (queue.length - head === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    size: () => queue.length - head,
  };
}
