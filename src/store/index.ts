/**
 * The store's public API: opens the state database and composes the outbox, the history,
 * route state and silences around it. `commit` writes one pipeline batch (history rows,
 * notifications, route state) in one transaction; when the write fails (disk full) the batch
 * is kept in memory, bounded, and retried until it succeeds, so nothing accepted is lost
 * unless the memory bound is reached (then history first, then the oldest batch, counted).
 */
import { join } from 'node:path';
import type { Clock, Timers } from '../core/clock.js';
import type { Notification } from '../core/notification.js';
import { SEVERITIES } from '../core/severity.js';
import type { Logger } from '../observe/logger.js';
import type { Metrics } from '../observe/metrics.js';
import { DB_FILE, isWriteFailure, openDatabase, type Db } from './database.js';
import { createHistoryWriter, purgeOnce, type HistoryEvent } from './history.js';
import { createSqliteOutbox, type Dropped, type SqliteOutbox } from './outbox-sqlite.js';
import { startCheckpointer } from './checkpointer.js';
import { createWalSync } from './wal-sync.js';
import { createStateWriter, expireSilences, listSilences, loadState, type StateChange, type StoredSilence } from './state.js';

export type { HistoryEvent } from './history.js';
export type { StateChange, StoredSilence } from './state.js';
export type { Outbox, OutboxRecord, DeliveryError } from './outbox.js';

export interface CommitBatch {
  readonly events: readonly HistoryEvent[];
  readonly notifications: readonly Notification[];
  readonly state: readonly StateChange[];
}

export interface StoreOptions {
  readonly dir: string;
  readonly synchronous: 'full' | 'normal';
  readonly maxOutbox: number;
  /** Events kept in memory while the database cannot be written. */
  readonly maxPendingEvents?: number;
}

export interface StoreDeps {
  readonly clock: Clock;
  readonly timers: Timers;
  readonly log: Logger;
  readonly metrics: Metrics;
}

export interface Store {
  readonly db: Db;
  readonly outbox: SqliteOutbox;
  /** Writes a batch; false when it is kept in memory for a later retry. */
  commit(batch: CommitBatch): boolean;
  loadState(): [string, unknown][];
  silences(): StoredSilence[];
  /** True when another process (the CLI) committed since the last call. */
  changedExternally(): boolean;
  /** Deletes one chunk of history older than `cutoff`; returns rows removed. */
  purge(cutoff: number): number;
  /** False while writes fail. */
  healthy(): boolean;
  /** Batches and settled records waiting to be written. */
  unwritten(): number;
  /** Writes what it can, checkpoints and closes the database. */
  close(): Promise<void>;
}

const RETRY_MS = 1000;
const LOG_EVERY_MS = 60_000;

export function openStore(opts: StoreOptions, deps: StoreDeps): Store {
  const { clock, timers, metrics } = deps;
  const log = deps.log.child({ component: 'store' });
  // `full` durability comes from an fsync of the WAL off the event loop (wal-sync.ts).
  const db = openDatabase(opts.dir, { synchronous: 'normal' });
  const walSync = opts.synchronous === 'full'
    ? createWalSync(join(opts.dir, `${DB_FILE}-wal`), { observe: (s) => metrics.storeSync.observe(s), onError: (err) => onWrite(err, 'sync') })
    : undefined;
  const checkpointer = startCheckpointer(db, {
    onFailure: (err) => log.error({ code: 'ERR_STORE_WRITE', err }, 'the checkpoint thread failed; SQLite checkpoints on commit again'),
    onRefused: (err) => onWrite(Object.assign(new Error(err.message), { code: err.code }), 'checkpoint'),
  });
  let closing: Promise<void> | undefined;
  const history = createHistoryWriter(db);
  const state = createStateWriter(db);
  const maxPendingEvents = opts.maxPendingEvents ?? 10_000;
  let healthy = true;
  let lastFailureLog = -Infinity;
  let failuresSinceLog = 0;
  let lastDropLog = -Infinity;
  let droppedSinceLog = 0;
  let pending: CommitBatch[] = [];
  let retryTimer: unknown;
  let dataVersion = db.pragma('data_version', { simple: true }) as number;

  function onWrite(err: unknown, op: 'commit' | 'settle' | 'sync' | 'checkpoint'): void {
    if (err === undefined) {
      // Commits are synced at once; settled records (acks) ride on the next commit's sync
      // or SQLite's checkpoint: losing one to a power cut only repeats a delivery.
      if (op === 'commit') walSync?.request();
      if (!healthy) log.info({ code: 'ERR_STORE_WRITE' }, 'state database writable again');
      healthy = true;
      metrics.storeHealthy.set(1);
      return;
    }
    metrics.storeWriteFailed.inc({ op });
    metrics.storeHealthy.set(0);
    healthy = false;
    failuresSinceLog++;
    const now = clock.monotonic();
    // At most one line a minute: a full disk must not also fill the journal.
    if (now - lastFailureLog >= LOG_EVERY_MS) {
      log.error({ code: 'ERR_STORE_WRITE', op, failures: failuresSinceLog, err: { code: (err as { code?: string }).code, message: (err as Error).message } },
        'state database write failed; kept in memory and retried');
      lastFailureLog = now;
      failuresSinceLog = 0;
    }
  }

  const outbox = createSqliteOutbox({ db, history, timers, now: () => clock.now(), onWrite: (err) => onWrite(err, 'settle') });

  function reportDrops(dropped: readonly Dropped[]): void {
    if (dropped.length === 0) return;
    for (const d of dropped) metrics.outboxDropped.inc({ channel: d.channel, severity: SEVERITIES[d.severity] ?? 'debug' });
    droppedSinceLog += dropped.length;
    const now = clock.monotonic();
    if (now - lastDropLog >= 10_000) {
      log.error({ code: 'ERR_OUTBOX_FULL', dropped: droppedSinceLog, bound: opts.maxOutbox }, 'outbox full: dropped the oldest lowest-severity notifications');
      lastDropLog = now;
      droppedSinceLog = 0;
    }
  }

  const writeBatches = db.transaction((batches: readonly CommitBatch[]) => {
    const now = clock.now();
    // Delivery results waiting to be written ride along: one transaction instead of two.
    const settled = outbox.writeSettled();
    for (const b of batches) {
      for (const e of b.events) history.event(e);
      outbox.insert(b.notifications, now);
      state.apply(b.state);
    }
    return { settled, dropped: outbox.enforceBound(opts.maxOutbox, now) };
  });

  function tryWrite(): boolean {
    if (pending.length === 0) return true;
    let dropped: Dropped[];
    let settled: number;
    try {
      ({ dropped, settled } = writeBatches(pending));
    } catch (err) {
      outbox.settleCounts(false);
      if (!isWriteFailure(err)) throw err;
      onWrite(err, 'commit');
      boundPending();
      scheduleRetry();
      return false;
    }
    outbox.settleCounts(true);
    outbox.settledWritten(settled);
    const written = pending;
    pending = [];
    onWrite(undefined, 'commit');
    reportDrops(dropped);
    // Whoever delivers hears of new records here, also when a retried write finally lands.
    outbox.announce(written.flatMap((b) => b.notifications.map((n) => n.channel)));
    return true;
  }

  /** Keeps what waits in memory bounded: history goes first, then whole old batches. */
  function boundPending(): void {
    let events = 0;
    let notifications = 0;
    for (const b of pending) {
      events += b.events.length;
      notifications += b.notifications.length;
    }
    for (let i = 0; events > maxPendingEvents && i < pending.length; i++) {
      const b = pending[i]!;
      if (b.events.length === 0) continue;
      events -= b.events.length;
      metrics.historyLost.inc(b.events.length);
      pending[i] = { ...b, events: [] };
    }
    while (notifications > opts.maxOutbox && pending.length > 1) {
      const b = pending.shift()!;
      notifications -= b.notifications.length;
      reportDrops(b.notifications.map((n) => ({ id: n.id, channel: n.channel, severity: SEVERITIES.indexOf(n.severity) })));
    }
  }

  function scheduleRetry(): void {
    if (retryTimer !== undefined) return;
    retryTimer = timers.setTimeout(() => {
      retryTimer = undefined;
      tryWrite();
    }, RETRY_MS);
  }

  metrics.storeHealthy.set(1);

  return {
    db,
    outbox,
    commit(batch) {
      pending.push(batch);
      return tryWrite();
    },
    loadState: () => loadState(db),
    silences: () => listSilences(db),
    changedExternally() {
      const v = db.pragma('data_version', { simple: true }) as number;
      if (v === dataVersion) return false;
      dataVersion = v;
      return true;
    },
    purge(cutoff) {
      try {
        const n = purgeOnce(db, cutoff);
        expireSilences(db, cutoff);
        return n;
      } catch (err) {
        if (!isWriteFailure(err)) throw err;
        return 0;
      }
    },
    healthy: () => healthy && pending.length === 0 && outbox.unwritten() === 0,
    unwritten: () => pending.length + outbox.unwritten(),
    close() {
      closing ??= (async () => {
        await checkpointer.stop();
        if (retryTimer !== undefined) timers.clearTimeout(retryTimer);
        retryTimer = undefined;
        tryWrite();
        outbox.close();
        walSync?.close();
        if (pending.length || outbox.unwritten()) log.error({ code: 'ERR_STORE_WRITE', batches: pending.length, settled: outbox.unwritten() }, 'closing with writes that could not be saved');
        try {
          db.pragma('wal_checkpoint(TRUNCATE)');
        } catch {
          // A full disk can refuse the checkpoint; the WAL is replayed on the next open.
        }
        db.close();
      })();
      return closing;
    },
  };
}
