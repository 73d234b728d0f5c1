/**
 * An in-memory outbox: the Outbox contract without durability, for unit tests of outputs
 * and the deliverer. Pending notifications are lost when the process ends; the service
 * itself always uses the SQLite outbox.
 */
import type { Notification } from '../core/notification.js';
import type { DeliveryError, Outbox, OutboxRecord } from './outbox.js';

interface Entry {
  notification: Notification;
  attempts: number;
  nextAttemptAt: number;
  lastError?: DeliveryError;
  leased: boolean;
}

export function createMemoryOutbox(now: () => number): Outbox & { enqueue(ns: readonly Notification[]): void; dead(): OutboxRecord[] } {
  const entries = new Map<string, Entry>();
  const deadLetters: OutboxRecord[] = [];
  const view = (e: Entry): OutboxRecord => ({
    notification: e.notification,
    attempts: e.attempts,
    nextAttemptAt: e.nextAttemptAt,
    ...(e.lastError ? { lastError: e.lastError } : {}),
  });
  let listener: ((channels: readonly string[]) => void) | undefined;
  return {
    durable: false,
    enqueue(ns) {
      const t = now();
      for (const n of ns) entries.set(n.id, { notification: n, attempts: 0, nextAttemptAt: t, leased: false });
    },
    lease(channel, at, limit) {
      const out: OutboxRecord[] = [];
      for (const e of entries.values()) {
        if (out.length >= limit) break;
        if (e.leased || e.notification.channel !== channel || e.nextAttemptAt > at) continue;
        e.leased = true;
        e.attempts++;
        out.push(view(e));
      }
      return out;
    },
    ack(id) {
      entries.delete(id);
    },
    retry(id, nextAttemptAt, error) {
      const e = entries.get(id);
      if (!e) return;
      e.leased = false;
      e.nextAttemptAt = nextAttemptAt;
      e.lastError = error;
    },
    bury(id, error, followUp) {
      const e = entries.get(id);
      if (!e) return;
      entries.delete(id);
      deadLetters.push({ ...view(e), lastError: error });
      if (followUp) {
        entries.set(followUp.id, { notification: followUp, attempts: 0, nextAttemptAt: now(), leased: false });
        listener?.([followUp.channel]);
      }
    },
    setSettledListener(fn) {
      listener = fn;
    },
    depth(channel) {
      let n = 0;
      for (const e of entries.values()) if (channel === undefined || e.notification.channel === channel) n++;
      return n;
    },
    nextDue(channel) {
      let min: number | undefined;
      for (const e of entries.values()) {
        if (e.leased || e.notification.channel !== channel) continue;
        if (min === undefined || e.nextAttemptAt < min) min = e.nextAttemptAt;
      }
      return min;
    },
    channels() {
      return [...new Set([...entries.values()].map((e) => e.notification.channel))];
    },
    dead: () => [...deadLetters],
    close() {},
  };
}
