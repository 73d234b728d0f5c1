/**
 * The deliverer: takes due records from the outbox and hands them to their channel's
 * Output, at most `concurrency` at a time per channel, each attempt bounded by a timeout.
 * Results settle the record: sent → ack; retry → backoff or dead letter; failed → dead
 * letter (and, when the channel names one, a "delivery failed" notification on another
 * channel, enqueued with the burial). A throwing output is a bug: logged at error and
 * retried. With a durable outbox, stop only lets attempts in flight finish: what is queued
 * stays queued for the next start.
 */
import type { Clock, Timers } from '../core/clock.js';
import { GatewayError } from '../core/errors.js';
import { createUlidFactory } from '../core/ids.js';
import type { Notification } from '../core/notification.js';
import type { Delivery, Output } from '../core/output.js';
import type { Logger } from '../observe/logger.js';
import type { Metrics } from '../observe/metrics.js';
import type { DeliveryError, Outbox, OutboxRecord } from '../store/outbox.js';
import { decideRetry, type RetryPolicy } from './retry-policy.js';

export interface Channel {
  readonly output: Output;
  readonly policy: RetryPolicy;
  /** Channel told when a notification of this one is given up. */
  readonly deadLetterChannel?: string;
}

export interface DelivererDeps {
  readonly outbox: Outbox;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly random?: () => number;
  /** Told the outcome of every attempt (channel health, self-monitoring); must not throw. */
  readonly onSettled?: (channel: string, n: Notification, outcome: 'sent' | 'retry' | 'dead', error?: DeliveryError) => void;
  /** Ids for "delivery failed" notifications; default ULIDs from the clock. */
  readonly newId?: () => string;
}

export interface Deliverer {
  /** Looks for due work on a channel (all channels when omitted). */
  wake(channel?: string): void;
  /** Stops taking work; waits up to `graceMs` for attempts in flight, then aborts them and closes the outputs. */
  stop(graceMs: number): Promise<void>;
  /** Attempts currently in flight. */
  inFlight(): number;
}

interface ChannelState {
  inflight: number;
  timer?: unknown;
  timerAt?: number;
  pumpQueued?: boolean;
  controllers: Set<AbortController>;
}

export function createDeliverer(channels: ReadonlyMap<string, Channel>, deps: DelivererDeps): Deliverer {
  const { outbox, clock, timers, metrics } = deps;
  const log = deps.log.child({ component: 'deliverer' });
  const random = deps.random ?? Math.random;
  const newId = deps.newId ?? createUlidFactory(() => clock.now());
  const states = new Map<string, ChannelState>();
  let stopping = false;

  const stateOf = (id: string) => {
    let s = states.get(id);
    if (!s) states.set(id, (s = { inflight: 0, controllers: new Set() }));
    return s;
  };
  const totalInFlight = () => [...states.values()].reduce((n, s) => n + s.inflight, 0);

  function schedule(id: string, s: ChannelState): void {
    const due = outbox.nextDue(id);
    if (due === undefined || stopping) return;
    if (s.timer !== undefined && s.timerAt !== undefined && s.timerAt <= due) return;
    if (s.timer !== undefined) timers.clearTimeout(s.timer);
    s.timerAt = due;
    s.timer = timers.setTimeout(() => {
      s.timer = undefined;
      s.timerAt = undefined;
      pump(id);
    }, Math.max(0, due - clock.now()));
  }

  function pump(id: string): void {
    const ch = channels.get(id);
    if (!ch || stopping) return;
    const s = stateOf(id);
    const free = ch.policy.concurrency - s.inflight;
    try {
      const leased = free > 0 ? outbox.lease(id, clock.now(), free) : [];
      for (const record of leased) void attempt(id, ch, s, record);
      metrics.outboxDepth.set({ channel: id }, outbox.depth(id));
      // At capacity the next completion pumps again; a timer then would only spin.
      if (leased.length < free) schedule(id, s);
    } catch (err) {
      // The store could not be read (I/O error): try again shortly rather than stall.
      log.error({ err, channel: id }, 'reading the outbox failed; retrying');
      if (s.timer === undefined) s.timer = timers.setTimeout(() => { s.timer = undefined; pump(id); }, 1000);
    }
  }

  function failedNotice(id: string, ch: Channel, n: Notification, error: { code: string; message: string }): Notification | undefined {
    const to = ch.deadLetterChannel;
    // A notice about a failure never causes another one (no loops between two channels).
    if (to === undefined || n.kind === 'failed' || !channels.has(to)) return undefined;
    return {
      id: newId(), createdAt: clock.now(), kind: 'failed', channel: to, routeIndex: n.routeIndex, key: `failed|${n.id}`,
      severity: 'error', category: 'system-status',
      title: `Delivery to channel ${id} given up (${error.code}): ${n.title}`,
      items: n.items, suppressed: n.suppressed, ...(n.count !== undefined ? { count: n.count } : {}),
    };
  }

  async function attempt(id: string, ch: Channel, s: ChannelState, record: OutboxRecord): Promise<void> {
    s.inflight++;
    const controller = new AbortController();
    s.controllers.add(controller);
    const timeout = timers.setTimeout(() => controller.abort(new GatewayError('ERR_OUTPUT_TIMEOUT', 'delivery attempt timed out')), ch.policy.attemptTimeoutMs);
    let result: Delivery;
    try {
      result = await ch.output.send(record.notification, controller.signal);
    } catch (err) {
      log.error({ err, channel: id }, 'output threw instead of returning a result');
      result = { status: 'retry', error: new GatewayError('ERR_OUTPUT_UNEXPECTED', String((err as Error)?.message ?? err), { cause: err }) };
    } finally {
      timers.clearTimeout(timeout);
      s.controllers.delete(controller);
      s.inflight--;
    }
    settle(id, ch, record, result);
    // Pump once per turn: attempts finishing together get their acks written in one
    // transaction (the outbox writes settled records before it leases more).
    if (!s.pumpQueued) {
      s.pumpQueued = true;
      setImmediate(() => {
        s.pumpQueued = false;
        pump(id);
      });
    }
  }

  function settle(id: string, ch: Channel, record: OutboxRecord, result: Delivery): void {
    const n = record.notification;
    const fields = { channel: id, notification: n.id, attempt: record.attempts };
    if (result.status === 'sent') {
      outbox.ack(n.id);
      metrics.notificationsSent.inc({ channel: id });
      metrics.deliveryLatency.observe({ channel: id }, Math.max(0, clock.now() - n.createdAt) / 1000);
      deps.onSettled?.(id, n, 'sent');
      log.debug({ ...fields, detail: result.detail }, 'notification delivered');
      return;
    }
    const error = { code: result.error.code, message: result.error.message };
    if (result.status === 'retry') {
      const now = clock.now();
      const d = decideRetry(ch.policy, { attempts: record.attempts, createdAt: n.createdAt, now, ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}) }, random);
      if (d.action === 'retry') {
        outbox.retry(n.id, d.at, error);
        metrics.notificationsRetried.inc({ channel: id, code: error.code });
        log.warn({ ...fields, error, retryInMs: d.at - now }, 'delivery failed; will retry');
        deps.onSettled?.(id, n, 'retry', error);
        return;
      }
      log.error({ ...fields, error, reason: d.reason }, 'delivery given up after retries; notification moved to dead letters');
    } else {
      log.error({ ...fields, error }, 'delivery failed permanently; notification moved to dead letters');
    }
    const notice = failedNotice(id, ch, n, error);
    outbox.bury(n.id, error, notice);
    metrics.notificationsDead.inc({ channel: id, code: error.code });
    deps.onSettled?.(id, n, 'dead', error);
    if (notice) {
      metrics.notificationsQueued.inc({ channel: notice.channel });
      pump(notice.channel);
    }
  }

  outbox.setSettledListener((touched) => {
    for (const ch of touched) pump(ch);
  });

  return {
    wake(channel) {
      if (channel !== undefined) pump(channel);
      else for (const id of channels.keys()) pump(id);
    },
    inFlight: totalInFlight,
    async stop(graceMs) {
      const deadline = clock.monotonic() + graceMs;
      // A durable outbox keeps what is queued for the next start; a volatile one is drained
      // as far as the grace allows (a retry scheduled later waits for the next start).
      if (outbox.durable) stopping = true;
      const dueNow = () => !outbox.durable && [...channels.keys()].some((id) => (outbox.nextDue(id) ?? Infinity) <= clock.now());
      while (clock.monotonic() < deadline && (totalInFlight() > 0 || dueNow())) {
        await new Promise((r) => setTimeout(r, 20));
      }
      stopping = true;
      outbox.setSettledListener(undefined);
      for (const s of states.values()) if (s.timer !== undefined) timers.clearTimeout(s.timer);
      if (totalInFlight() > 0) {
        for (const s of states.values()) for (const c of s.controllers) c.abort(new GatewayError('ERR_OUTPUT_TIMEOUT', 'shutting down'));
        // Aborted attempts settle on their own (a killed hook is retried after the next start).
        const settleBy = clock.monotonic() + 1000;
        while (totalInFlight() > 0 && clock.monotonic() < settleBy) await new Promise((r) => setTimeout(r, 20));
      }
      // Pooled SMTP connections and SNMP sockets end with their deliverer (a reload builds new ones).
      for (const r of await Promise.allSettled([...channels.values()].map((c) => c.output.close()))) {
        if (r.status === 'rejected') log.warn({ err: r.reason }, 'closing an output failed');
      }
    },
  };
}
