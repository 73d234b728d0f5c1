/**
 * Self-monitoring: eventgate raises `internal` events about itself (a notification given
 * up, messages dropped, a config reload rejected, the outbox nearly full) into its own pipeline, classified as
 * `system-status` by fixed rules `eventgate-<kind>`, so routes send them anywhere. It can
 * neither loop nor flood: a dead letter of a self-monitoring notification raises nothing,
 * each subject speaks at most once per interval, and a token bucket caps the total.
 */
import { hostname } from 'node:os';
import type { Classifier } from '../classify/classifier.js';
import type { Classification } from '../core/classification.js';
import type { Clock, Timers } from '../core/clock.js';
import { ERROR_CODES, type ErrorCode } from '../core/errors.js';
import type { GatewayEvent, InternalKind, InternalParts } from '../core/event.js';
import type { Notification } from '../core/notification.js';
import { escapeControls, truncate } from '../core/text.js';
import type { Logger } from '../observe/logger.js';
import type { Metrics } from '../observe/metrics.js';
import type { DeliveryError } from '../store/outbox.js';

export const INTERNAL_RULE_IDS: Record<InternalKind, string> = {
  'delivery-dead': 'eventgate-delivery-dead',
  'input-dropped': 'eventgate-input-dropped',
  'reload-failed': 'eventgate-reload-failed',
  'outbox-full': 'eventgate-outbox-full',
};

/** Share of the outbox bound at which "nearly full" is raised. */
export const OUTBOX_NEARLY_FULL = 0.8;
const INTERNAL_RULES = new Set(Object.values(INTERNAL_RULE_IDS));

export interface SelfMonitorOptions {
  /** A subject (kind + channel/listener) raises at most one event per interval. */
  readonly perSubjectMs: number;
  /** Token bucket over all kinds: at most `burst` at once, one more per `refillMs`. */
  readonly burst: number;
  readonly refillMs: number;
  /** How often the drop counters are compared. */
  readonly dropCheckMs: number;
}

export const SELF_MONITOR_DEFAULTS: SelfMonitorOptions = { perSubjectMs: 300_000, burst: 10, refillMs: 360_000, dropCheckMs: 60_000 };

export interface SelfMonitorDeps {
  readonly clock: Clock;
  readonly timers: Timers;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly newId: () => string;
  /** Hands the event to the pipeline; false when the queue is full. */
  readonly emit: (event: GatewayEvent) => boolean;
  /** Notifications waiting in the outbox, and its bound; checked with the drop counters. */
  readonly outboxFill?: () => { depth: number; bound: number };
  readonly hostname?: string;
  readonly options?: Partial<SelfMonitorOptions>;
}

export interface SelfMonitor {
  /** Wraps a classifier so internal events get their fixed classification. */
  classify(inner: Classifier): Classifier;
  deliveryDead(channel: string, n: Notification, error: DeliveryError): void;
  reloadRejected(problems: number, first?: string): void;
  /** Compares the drop counters with the last report; raises one event per listener. */
  checkDrops(): Promise<void>;
  /** Raises a problem when the outbox is at or above OUTBOX_NEARLY_FULL of its bound. */
  checkOutbox(): void;
  start(): void;
  stop(): void;
}

function describe(code: string | undefined): string {
  return code && code in ERROR_CODES ? `${code}: ${ERROR_CODES[code as ErrorCode]}` : (code ?? '');
}

/** The fixed classification of an internal event. */
export function classifyInternal(event: GatewayEvent, parts: InternalParts): Classification {
  return {
    ruleId: INTERNAL_RULE_IDS[parts.kind],
    category: 'system-status',
    severity: parts.severity,
    title: truncate(escapeControls(event.message), 500),
    state: 'problem',
    key: `eventgate|${parts.kind}|${parts.subject}`,
    fields: {
      ComputerName: event.host,
      TimeStamp: new Date(event.receivedAt).toISOString(),
      ProgramName: 'eventgate',
      ...(parts.code ? { ErrorDescription: describe(parts.code) } : {}),
    },
  };
}

export function createSelfMonitor(deps: SelfMonitorDeps): SelfMonitor {
  const o = { ...SELF_MONITOR_DEFAULTS, ...deps.options };
  const { clock, timers, metrics } = deps;
  const log = deps.log.child({ component: 'self-monitor' });
  const host = deps.hostname ?? hostname();
  const lastBySubject = new Map<string, number>();
  const suppressedBySubject = new Map<string, number>();
  let tokens = o.burst;
  let refilledAt = clock.monotonic();
  let timer: unknown;
  /** Drop counter values already reported, by `listener|reason`. */
  const reported = new Map<string, number>();
  let dropsPrimed = false;

  function allow(kind: InternalKind, subject: string): boolean {
    const now = clock.monotonic();
    const refill = Math.floor((now - refilledAt) / o.refillMs);
    if (refill > 0) {
      tokens = Math.min(o.burst, tokens + refill);
      refilledAt += refill * o.refillMs;
    }
    const key = `${kind}|${subject}`;
    const last = lastBySubject.get(key);
    const reason = last !== undefined && now - last < o.perSubjectMs ? 'interval' : tokens < 1 ? 'budget' : undefined;
    if (reason) {
      suppressedBySubject.set(key, (suppressedBySubject.get(key) ?? 0) + 1);
      metrics.internalSuppressed.inc({ kind, reason });
      return false;
    }
    tokens--;
    lastBySubject.set(key, now);
    return true;
  }

  function raise(parts: InternalParts, message: string): boolean {
    if (!allow(parts.kind, parts.subject)) return false;
    const key = `${parts.kind}|${parts.subject}`;
    const held = suppressedBySubject.get(key) ?? 0;
    suppressedBySubject.delete(key);
    const text = held ? `${message} (${held} similar held back)` : message;
    const now = clock.now();
    const event: GatewayEvent = {
      id: deps.newId(),
      receivedAt: now,
      kind: 'internal',
      listener: 'internal',
      peer: { address: 'eventgate', port: 0, transport: 'internal' },
      host,
      message: text,
      internal: parts,
      raw: Buffer.from(text, 'utf8'),
    };
    if (!deps.emit(event)) {
      metrics.internalSuppressed.inc({ kind: parts.kind, reason: 'queue_full' });
      return false;
    }
    metrics.internalEvents.inc({ kind: parts.kind });
    log.debug({ kind: parts.kind, subject: parts.subject }, 'self-monitoring event raised');
    return true;
  }

  async function checkDrops(): Promise<void> {
    const current = (await metrics.dropped.get()).values;
    const deltas = new Map<string, { total: number; reasons: string[]; keys: [string, number][] }>();
    for (const v of current) {
      const listener = String(v.labels.listener ?? '');
      const k = `${listener}|${v.labels.reason ?? ''}`;
      const delta = v.value - (reported.get(k) ?? 0);
      if (!dropsPrimed || delta <= 0) {
        if (!dropsPrimed) reported.set(k, v.value);
        continue;
      }
      const d = deltas.get(listener) ?? { total: 0, reasons: [], keys: [] };
      d.total += delta;
      d.reasons.push(`${v.labels.reason}: ${delta}`);
      d.keys.push([k, v.value]);
      deltas.set(listener, d);
    }
    dropsPrimed = true;
    for (const [listener, d] of deltas) {
      const raised = raise(
        { kind: 'input-dropped', subject: listener, severity: 'warning', ...(d.reasons.some((r) => r.startsWith('queue_full') || r.startsWith('receive_buffer')) ? { code: 'ERR_QUEUE_FULL' } : {}) },
        `listener ${listener}: ${d.total} message(s) dropped since the last report (${d.reasons.join(', ')})`,
      );
      // Unreported drops stay pending, so the next report that gets through counts them.
      if (raised) for (const [k, value] of d.keys) reported.set(k, value);
    }
  }

  function checkOutbox(): void {
    const fill = deps.outboxFill?.();
    if (!fill || fill.bound <= 0 || fill.depth < fill.bound * OUTBOX_NEARLY_FULL) return;
    const full = fill.depth >= fill.bound;
    raise(
      { kind: 'outbox-full', subject: 'outbox', severity: full ? 'error' : 'warning', ...(full ? { code: 'ERR_OUTBOX_FULL' } : {}) },
      `outbox ${full ? 'full' : 'nearly full'}: ${fill.depth} of ${fill.bound} notifications waiting${full ? '; the oldest lowest-severity ones are being dropped' : ''}`,
    );
  }

  function arm(): void {
    timer = timers.setTimeout(() => {
      checkOutbox();
      checkDrops().catch((err) => log.error({ err }, 'drop check failed')).finally(() => {
        if (timer !== undefined) arm();
      });
    }, o.dropCheckMs);
  }

  return {
    classify(inner) {
      const own = (event: GatewayEvent) => (event.kind === 'internal' && event.internal ? classifyInternal(event, event.internal) : undefined);
      return Object.assign((event: GatewayEvent) => own(event) ?? inner(event), {
        explain: (event: GatewayEvent) => {
          const c = own(event);
          return c ? { classification: c, tried: [], notCandidates: 0 } : inner.explain(event);
        },
      });
    },
    deliveryDead(channel, n, error) {
      // A self-monitoring notification that died raises nothing: that is how loops start.
      if (n.items.length > 0 && n.items.every((i) => i.ruleId !== null && INTERNAL_RULES.has(i.ruleId))) {
        metrics.internalSuppressed.inc({ kind: 'delivery-dead', reason: 'loop' });
        return;
      }
      raise(
        { kind: 'delivery-dead', subject: channel, severity: 'error', code: error.code },
        `channel ${channel}: notification ${n.id} given up after its retries (${error.code}); it is kept in the dead letters`,
      );
    },
    reloadRejected(problems, first) {
      raise(
        { kind: 'reload-failed', subject: 'config', severity: 'error', code: 'ERR_CONFIG_INVALID' },
        `configuration reload rejected with ${problems} problem(s); the running configuration stays${first ? `; first: ${truncate(first, 300)}` : ''}`,
      );
    },
    checkDrops,
    checkOutbox,
    start() {
      if (timer !== undefined) return;
      void checkDrops(); // the baseline: drops before start are not news
      arm();
    },
    stop() {
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
    },
  };
}
