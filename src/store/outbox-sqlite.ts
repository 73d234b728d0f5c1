/**
 * The SQLite outbox (see outbox.ts for the guarantee and record format). Leases live in
 * memory only (leases.ts); settling is written behind (with the pipeline's next commit, or
 * on its own within 5 ms), and a failed write is kept and retried. Depth per channel is
 * counted in memory (recounted when another process, the CLI, changed the file) so the
 * deliverer never scans the table. While every leasable record of a channel is one this
 * process just committed (the steady state), leases come from memory (fresh-records.ts)
 * with no query and no JSON parse.
 */
import type { Timers } from '../core/clock.js';
import type { Notification } from '../core/notification.js';
import { severityRank } from '../core/severity.js';
import { isWriteFailure, type Db } from './database.js';
import { createFreshRecords } from './fresh-records.js';
import { createLeases } from './leases.js';
import type { AttemptRow, HistoryWriter } from './history.js';
import type { DeliveryError, Outbox, OutboxRecord } from './outbox.js';

type Op =
  | { kind: 'ack'; id: string; channel: string; attempt: number; at: number }
  | { kind: 'retry'; id: string; channel: string; attempt: number; at: number; next: number; error: DeliveryError }
  | { kind: 'bury'; id: string; channel: string; attempt: number; at: number; error: DeliveryError; followUp?: Notification };

export interface Dropped {
  readonly id: string;
  readonly channel: string;
  readonly severity: number;
}

export interface SqliteOutbox extends Outbox {
  /** Inside a transaction: stores notifications, due now. */
  insert(ns: readonly Notification[], now: number): void;
  /** Inside a transaction, after `insert`: drops beyond `max`; returns what went. */
  enforceBound(max: number, now: number): Dropped[];
  /** After the transaction: commit (true) or forget (false) the counts it changed. */
  settleCounts(committed: boolean): void;
  /** Writes the settled records now; false when the write failed (kept for later). */
  flush(): boolean;
  /** Inside the caller's transaction: writes the settled records; returns how many, for `settledWritten`. */
  writeSettled(): number;
  /** After that transaction committed. */
  settledWritten(count: number): void;
  /** Settled records not yet written. */
  unwritten(): number;
  /** Recounts depths after another process changed the file. */
  refresh(): void;
  /** Tells the settled listener that these channels have new records due. */
  announce(channels: Iterable<string>): void;
  /**
   * The wall clock stepped by `deltaMs`: every schedule moves with it, so a step back does
   * not stall retries for its length and a step forward does not make them all due at once.
   */
  shiftSchedules(deltaMs: number): void;
}

export interface SqliteOutboxDeps {
  readonly db: Db;
  readonly history: HistoryWriter;
  readonly timers: Timers;
  readonly now: () => number;
  /** A write-behind flush failed (it is retried); `ok` is called again once one succeeds. */
  readonly onWrite: (err: unknown | undefined) => void;
}

const RETRY_FLUSH_MS = 1000;
const SETTLE_WRITE_MS = 5;
/** Records kept in memory for leasing without a query; beyond, a channel is read from SQLite. */
const FRESH_MAX = 4096;

export function createSqliteOutbox(deps: SqliteOutboxDeps): SqliteOutbox {
  const { db, history, timers } = deps;
  const st = {
    insert: db.prepare(`INSERT OR IGNORE INTO outbox (id, channel, severity, created_at, next_attempt_at, attempts, body)
      VALUES (?, ?, ?, ?, ?, 0, ?)`),
    due: db.prepare('SELECT id, attempts, next_attempt_at, last_error_code, last_error_message, body FROM outbox WHERE channel = ? AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?'),
    next: db.prepare('SELECT id, next_attempt_at FROM outbox WHERE channel = ? ORDER BY next_attempt_at, id LIMIT ?'),
    shift: db.prepare('UPDATE outbox SET next_attempt_at = next_attempt_at + ?'),
    counts: db.prepare('SELECT channel, COUNT(*) AS n FROM outbox GROUP BY channel'),
    victims: db.prepare('SELECT id, channel, severity FROM outbox ORDER BY severity, created_at, id LIMIT ?'),
    delete: db.prepare('DELETE FROM outbox WHERE id = ?'),
    retry: db.prepare('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error_code = ?, last_error_message = ? WHERE id = ?'),
    bury: db.prepare(`INSERT OR REPLACE INTO dead_letters (id, channel, severity, created_at, died_at, attempts, error_code, error_message, body)
      SELECT id, channel, severity, created_at, ?, attempts + 1, ?, ?, body FROM outbox WHERE id = ?`),
  };
  const depths = new Map<string, number>();
  let txDelta = new Map<string, number>();
  const leases = createLeases();
  const fresh = createFreshRecords(FRESH_MAX);
  /** Records the open transaction inserted (cached once it commits), and channels it dropped from. */
  let txInserted: { n: Notification; at: number }[] = [];
  let txDroppedFrom = new Set<string>();
  let ops: Op[] = [];
  let flushTimer: unknown;
  let retryTimer: unknown;
  let listener: ((channels: readonly string[]) => void) | undefined;

  const bump = (m: Map<string, number>, ch: string, d: number) => m.set(ch, (m.get(ch) ?? 0) + d);
  /**
   * Pending records of the channel that are not in the fresh cache (retries, records from
   * before a restart or from the CLI). While there are none, leasing needs no query.
   */
  const uncached = (channel: string) => (depths.get(channel) ?? 0) - fresh.size(channel) - leases.inFlightIn(channel);

  function refresh(): void {
    fresh.forget();
    depths.clear();
    for (const r of st.counts.all() as { channel: string; n: number }[]) depths.set(r.channel, r.n);
    // Settled-but-unwritten acks and burials are already gone logically, and a burial's
    // follow-up is already there.
    for (const op of ops) {
      if (op.kind !== 'retry') bump(depths, op.channel, -1);
      if (op.kind === 'bury' && op.followUp) bump(depths, op.followUp.channel, 1);
    }
  }

  /** Stores one notification, due at `at`; false when its id was already there. */
  const insertRow = (n: Notification, at: number): boolean =>
    st.insert.run(n.id, n.channel, severityRank(n.severity), n.createdAt, at, JSON.stringify(n)).changes > 0;

  /** The attempt row of a settled op (a literal: a spread of a base object is slow on Node 20). */
  const attemptRow = (op: Op, outcome: AttemptRow['outcome'], error?: { code: string; message: string }): AttemptRow => (error
    ? { at: op.at, notificationId: op.id, channel: op.channel, attempt: op.attempt, outcome, code: error.code, message: error.message }
    : { at: op.at, notificationId: op.id, channel: op.channel, attempt: op.attempt, outcome });

  function writeOpsBody(batch: readonly Op[]): void {
    for (const op of batch) {
      if (op.kind === 'ack') {
        st.delete.run(op.id);
        history.attempt(attemptRow(op, 'sent'));
      } else if (op.kind === 'retry') {
        st.retry.run(op.next, op.error.code, op.error.message, op.id);
        history.attempt(attemptRow(op, 'retry', op.error));
      } else {
        st.bury.run(op.at, op.error.code, op.error.message, op.id);
        st.delete.run(op.id);
        history.attempt(attemptRow(op, 'dead', op.error));
        if (op.followUp) insertRow(op.followUp, op.at);
      }
    }
  }
  const writeOps = db.transaction(writeOpsBody);

  function flush(): boolean {
    if (flushTimer !== undefined) timers.clearTimeout(flushTimer);
    flushTimer = undefined;
    if (ops.length === 0) return true;
    try {
      writeOps(ops);
    } catch (err) {
      if (!isWriteFailure(err)) throw err;
      deps.onWrite(err);
      if (retryTimer === undefined) {
        retryTimer = timers.setTimeout(() => {
          retryTimer = undefined;
          flush();
        }, RETRY_FLUSH_MS);
      }
      return false;
    }
    written(ops.length);
    return true;
  }

  /** The first `count` settled records are in the database: release them, tell the listener. */
  function written(count: number): void {
    if (count === 0) return;
    const batch = ops.slice(0, count);
    ops = ops.slice(count);
    for (const op of batch) leases.release(op.id);
    deps.onWrite(undefined);
    if (listener) {
      const touched = new Set<string>();
      for (const op of batch) {
        if (op.kind === 'retry') touched.add(op.channel);
        if (op.kind === 'bury' && op.followUp) touched.add(op.followUp.channel);
      }
      if (touched.size) listener([...touched]);
    }
  }

  function push(op: Op): void {
    ops.push(op);
    // Written with the pipeline's next commit when one comes within SETTLE_WRITE_MS (one
    // transaction instead of two), else on its own; always before the next lease.
    if (flushTimer === undefined && retryTimer === undefined) flushTimer = timers.setTimeout(flush, SETTLE_WRITE_MS);
  }

  refresh();

  return {
    durable: true,
    insert(ns, now) {
      for (const n of ns) {
        if (insertRow(n, now)) {
          bump(txDelta, n.channel, 1);
          txInserted.push({ n, at: now });
        }
      }
    },
    enforceBound(max, now) {
      let total = 0;
      for (const v of depths.values()) total += v;
      for (const v of txDelta.values()) total += v;
      const excess = total - max;
      if (excess <= 0) return [];
      const rows = st.victims.all(excess + leases.busyTotal()) as Dropped[];
      const out: Dropped[] = [];
      for (const r of rows) {
        if (out.length >= excess) break;
        if (leases.isBusy(r.id)) continue;
        st.delete.run(r.id);
        history.attempt({ at: now, notificationId: r.id, channel: r.channel, attempt: 0, outcome: 'dropped', code: 'ERR_OUTBOX_FULL', message: `outbox bound ${max} reached` });
        bump(txDelta, r.channel, -1);
        txDroppedFrom.add(r.channel);
        out.push(r);
      }
      return out;
    },
    settleCounts(committed) {
      if (committed) {
        for (const [ch, d] of txDelta) bump(depths, ch, d);
        // A dropped record may be a cached one: those channels are read from SQLite again.
        for (const ch of txDroppedFrom) fresh.forget(ch);
        for (const r of txInserted) if (!txDroppedFrom.has(r.n.channel)) fresh.add(r.n, r.at);
      }
      txDelta = new Map();
      txInserted = [];
      txDroppedFrom = new Set();
    },
    flush,
    writeSettled() {
      writeOpsBody(ops);
      return ops.length;
    },
    settledWritten: written,
    shiftSchedules(deltaMs) {
      // Settled records first: a retry scheduled before the step moves with the others.
      const count = db.transaction(() => {
        writeOpsBody(ops);
        st.shift.run(Math.round(deltaMs));
        return ops.length;
      })();
      written(count);
      // Cached records are due at their old time; the query reads the shifted one.
      fresh.forget();
    },
    announce(channels) {
      const list = [...new Set(channels)];
      if (listener && list.length) listener(list);
    },
    unwritten: () => ops.length,
    refresh,
    lease(channel, now, limit) {
      if (limit <= 0) return [];
      const fromMemory = uncached(channel) <= 0;
      if (fromMemory && (fresh.firstDue(channel) ?? Infinity) > now) return [];
      // Settled records are written before more go out, so at most `concurrency` records
      // are ever sent-but-unrecorded: the duplicates a crash can cause stay that few.
      if (ops.length && retryTimer === undefined) flush();
      if (fromMemory) {
        return fresh.take(channel, now, limit).map(({ n, at }) => {
          leases.take(n.id, channel, 1);
          return { notification: n, attempts: 1, nextAttemptAt: at };
        });
      }
      // Other records may be due: the query sees every record, cached ones included.
      fresh.forget(channel);
      const rows = st.due.all(channel, now, limit + leases.busyIn(channel)) as Record<string, unknown>[];
      const out: OutboxRecord[] = [];
      for (const r of rows) {
        if (out.length >= limit) break;
        const id = r.id as string;
        if (leases.isBusy(id)) continue;
        const attempts = (r.attempts as number) + 1;
        leases.take(id, channel, attempts);
        const code = r.last_error_code as string | null;
        out.push({
          notification: JSON.parse(r.body as string) as Notification,
          attempts,
          nextAttemptAt: r.next_attempt_at as number,
          ...(code ? { lastError: { code, message: (r.last_error_message as string | null) ?? '' } } : {}),
        });
      }
      return out;
    },
    ack(id) {
      const channel = leases.settle(id);
      if (channel === undefined) return;
      bump(depths, channel, -1);
      push({ kind: 'ack', id, channel, attempt: leases.attemptOf(id), at: deps.now() });
    },
    retry(id, next, error) {
      const channel = leases.settle(id);
      if (channel === undefined) return;
      push({ kind: 'retry', id, channel, attempt: leases.attemptOf(id), at: deps.now(), next, error });
    },
    bury(id, error, followUp) {
      const channel = leases.settle(id);
      if (channel === undefined) return;
      bump(depths, channel, -1);
      if (followUp) bump(depths, followUp.channel, 1);
      push({ kind: 'bury', id, channel, attempt: leases.attemptOf(id), at: deps.now(), error, ...(followUp ? { followUp } : {}) });
    },
    depth(channel) {
      if (channel !== undefined) return Math.max(0, depths.get(channel) ?? 0);
      let n = 0;
      for (const v of depths.values()) n += Math.max(0, v);
      return n;
    },
    nextDue(channel) {
      if (uncached(channel) <= 0) return fresh.firstDue(channel);
      if ((depths.get(channel) ?? 0) <= 0 && leases.busyIn(channel) === 0) return undefined;
      const rows = st.next.all(channel, leases.busyIn(channel) + 1) as { id: string; next_attempt_at: number }[];
      return rows.find((r) => !leases.isBusy(r.id))?.next_attempt_at;
    },
    channels() {
      return [...depths].filter(([, n]) => n > 0).map(([ch]) => ch);
    },
    setSettledListener(fn) {
      listener = fn;
    },
    close() {
      if (retryTimer !== undefined) timers.clearTimeout(retryTimer);
      if (flushTimer !== undefined) timers.clearTimeout(flushTimer);
      flushTimer = undefined;
      retryTimer = undefined;
      flush();
    },
  };
}
