/**
 * Outbox records this process committed and has not leased yet, per channel, oldest first:
 * while a channel has no other leasable record (see outbox-sqlite.ts), leasing takes these
 * without a query or a JSON parse. Only a cache: the rows are in SQLite, so forgetting a
 * channel (bound reached, outbox changed by someone else) is always safe. Bounded in total.
 */
import type { Notification } from '../core/notification.js';

interface Queue {
  items: { readonly n: Notification; readonly at: number }[];
  head: number;
}

export interface FreshRecords {
  /** A committed record, due at `at`; a channel over the bound is forgotten instead. */
  add(n: Notification, at: number): void;
  /** Up to `limit` of the channel's records due at `now`, oldest first; removed from the cache. */
  take(channel: string, now: number, limit: number): { readonly n: Notification; readonly at: number }[];
  size(channel: string): number;
  /** When the channel's oldest cached record is due. */
  firstDue(channel: string): number | undefined;
  /** Drops the cache of one channel, or of all. */
  forget(channel?: string): void;
}

export function createFreshRecords(max: number): FreshRecords {
  const queues = new Map<string, Queue>();
  let total = 0;
  const sizeOf = (q: Queue | undefined) => (q ? q.items.length - q.head : 0);

  function forget(channel?: string): void {
    if (channel === undefined) {
      queues.clear();
      total = 0;
      return;
    }
    total -= sizeOf(queues.get(channel));
    queues.delete(channel);
  }

  return {
    add(n, at) {
      if (total >= max) {
        forget(n.channel);
        if (total >= max) return;
      }
      let q = queues.get(n.channel);
      if (!q) queues.set(n.channel, (q = { items: [], head: 0 }));
      q.items.push({ n, at });
      total++;
    },
    take(channel, now, limit) {
      const q = queues.get(channel);
      if (!q) return [];
      const out: { n: Notification; at: number }[] = [];
      while (out.length < limit && q.head < q.items.length && q.items[q.head]!.at <= now) out.push(q.items[q.head++]!);
      total -= out.length;
      if (q.head === q.items.length) queues.delete(channel);
      else if (q.head > 1024 && q.head * 2 > q.items.length) {
        q.items = q.items.slice(q.head);
        q.head = 0;
      }
      return out;
    },
    size: (channel) => sizeOf(queues.get(channel)),
    firstDue(channel) {
      const q = queues.get(channel);
      return q && q.head < q.items.length ? q.items[q.head]!.at : undefined;
    },
    forget,
  };
}
