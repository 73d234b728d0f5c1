/**
 * The outbox's records in flight, in memory only (a crash forgets them, so they are due
 * again after a restart). A record is busy from its lease until its settled record (ack,
 * retry, burial) is written; it is in flight from its lease until it is settled. Counts per
 * channel are kept, not recounted, since the deliverer asks on every lease.
 */
export interface Leases {
  take(id: string, channel: string, attempt: number): void;
  /** The record was settled: no longer in flight. Its channel, if it was busy. */
  settle(id: string): string | undefined;
  /** Its settled record is written: no longer busy. */
  release(id: string): void;
  isBusy(id: string): boolean;
  /** The attempt number the record was leased for. */
  attemptOf(id: string): number;
  busyIn(channel: string): number;
  inFlightIn(channel: string): number;
  busyTotal(): number;
}

export function createLeases(): Leases {
  const busy = new Map<string, { readonly channel: string; readonly attempt: number; flying: boolean }>();
  const busyCount = new Map<string, number>();
  const flyingCount = new Map<string, number>();
  const bump = (m: Map<string, number>, ch: string, d: number) => m.set(ch, (m.get(ch) ?? 0) + d);
  return {
    take(id, channel, attempt) {
      busy.set(id, { channel, attempt, flying: true });
      bump(busyCount, channel, 1);
      bump(flyingCount, channel, 1);
    },
    settle(id) {
      const b = busy.get(id);
      if (!b) return undefined;
      if (b.flying) {
        b.flying = false;
        bump(flyingCount, b.channel, -1);
      }
      return b.channel;
    },
    release(id) {
      const b = busy.get(id);
      if (!b) return;
      busy.delete(id);
      bump(busyCount, b.channel, -1);
      if (b.flying) bump(flyingCount, b.channel, -1);
    },
    isBusy: (id) => busy.has(id),
    attemptOf: (id) => busy.get(id)?.attempt ?? 0,
    busyIn: (channel) => busyCount.get(channel) ?? 0,
    inFlightIn: (channel) => flyingCount.get(channel) ?? 0,
    busyTotal: () => busy.size,
  };
}
