/**
 * Event history and delivery attempts: every classified event (with the notifications it
 * produced or the silence that held it back) and every settled attempt. Rows are written in
 * the pipeline's batch transaction; reads serve `eventgate events`. Retention deletes in
 * small chunks so the service's writes are never blocked for long.
 */
import type { Classified } from '../core/classification.js';
import type { Db } from './database.js';

export interface HistoryEvent {
  readonly classified: Classified;
  readonly notificationIds: readonly string[];
  readonly silencedBy?: string;
}

export interface AttemptRow {
  readonly at: number;
  readonly notificationId: string;
  readonly channel: string;
  readonly attempt: number;
  readonly outcome: 'sent' | 'retry' | 'failed' | 'dead' | 'dropped';
  readonly code?: string;
  readonly message?: string;
}

export interface StoredEvent {
  readonly id: string;
  readonly receivedAt: number;
  readonly listener: string;
  readonly peer: string;
  readonly host: string;
  readonly category: string;
  readonly severity: string;
  readonly ruleId: string | null;
  readonly state: string;
  readonly key: string;
  readonly title: string;
  readonly message: string;
  readonly fields: Record<string, string>;
  readonly notifications: string[];
  readonly silenced: string | null;
}

const ULID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The smallest ULID of millisecond `ms`: ids compare like their times. */
export function ulidFloor(ms: number): string {
  let out = '';
  let t = Math.max(0, Math.floor(ms));
  for (let i = 0; i < 10; i++) {
    out = ULID_ALPHABET[t % 32]! + out;
    t = Math.floor(t / 32);
  }
  return out + '0'.repeat(16);
}

const RAW_MAX = 65_536;

/** The driver binds Buffers as BLOBs (SQLite copies the bytes); a view, not a copy. */
const blob = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

export function createHistoryWriter(db: Db) {
  const insertEvent = db.prepare(`INSERT OR IGNORE INTO events
    (id, received_at, listener, peer, host, category, severity, rule_id, state, key, title, message, fields, raw, notifications, silenced)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertAttempt = db.prepare(`INSERT INTO attempts (at, notification_id, channel, attempt, outcome, code, message)
    VALUES (?, ?, ?, ?, ?, ?, ?)`);
  return {
    /** Call inside a transaction. */
    event(h: HistoryEvent): void {
      const { event: e, classification: c } = h.classified;
      insertEvent.run(
        e.id, e.receivedAt, e.listener, `${e.peer.transport}:${e.peer.address}:${e.peer.port}`, e.host,
        c.category, c.severity, c.ruleId, c.state, c.key, c.title, e.message, JSON.stringify(c.fields),
        blob(e.raw.length > RAW_MAX ? e.raw.subarray(0, RAW_MAX) : e.raw),
        JSON.stringify(h.notificationIds), h.silencedBy ?? null,
      );
    },
    /** Call inside a transaction. */
    attempt(a: AttemptRow): void {
      insertAttempt.run(a.at, a.notificationId, a.channel, a.attempt, a.outcome, a.code ?? null, a.message ?? null);
    },
  };
}

export type HistoryWriter = ReturnType<typeof createHistoryWriter>;

export interface EventQuery {
  readonly since?: number;
  readonly until?: number;
  readonly category?: string;
  readonly host?: string;
  readonly limit: number;
}

/** Events matching `q`, newest first. */
export function queryEvents(db: Db, q: EventQuery): StoredEvent[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.since !== undefined) { where.push('id >= ?'); params.push(ulidFloor(q.since)); }
  if (q.until !== undefined) { where.push('id < ?'); params.push(ulidFloor(q.until)); }
  if (q.category !== undefined) {
    where.push('category = ?');
    params.push(q.category);
    // Spelled out so SQLite may use the partial index (it cannot see through the parameter).
    if (q.category !== 'other') where.push("category <> 'other'");
  }
  if (q.host !== undefined) { where.push('host = ? COLLATE NOCASE'); params.push(q.host); }
  const sql = `SELECT id, received_at, listener, peer, host, category, severity, rule_id, state, key, title, message, fields, notifications, silenced
    FROM events ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
  const rows = db.prepare(sql).all(...params, q.limit) as Record<string, unknown>[];
  return rows.map((r) => ({
    id: r.id as string,
    receivedAt: r.received_at as number,
    listener: r.listener as string,
    peer: r.peer as string,
    host: r.host as string,
    category: r.category as string,
    severity: r.severity as string,
    ruleId: (r.rule_id as string | null) ?? null,
    state: r.state as string,
    key: r.key as string,
    title: r.title as string,
    message: r.message as string,
    fields: JSON.parse(r.fields as string) as Record<string, string>,
    notifications: JSON.parse(r.notifications as string) as string[],
    silenced: (r.silenced as string | null) ?? null,
  }));
}

/** Delivery attempts of one notification, oldest first. */
export function queryAttempts(db: Db, notificationId: string): AttemptRow[] {
  const rows = db.prepare('SELECT at, notification_id, channel, attempt, outcome, code, message FROM attempts WHERE notification_id = ? ORDER BY seq')
    .all(notificationId) as Record<string, unknown>[];
  return rows.map((r) => ({
    at: r.at as number, notificationId: r.notification_id as string, channel: r.channel as string, attempt: r.attempt as number,
    outcome: r.outcome as AttemptRow['outcome'],
    ...(r.code ? { code: r.code as string } : {}),
    ...(r.message ? { message: r.message as string } : {}),
  }));
}

const CHUNK = 2000;

/**
 * Deletes one chunk of rows older than `cutoff` (events, attempts, dead letters). Returns
 * how many went; call again (on a later turn of the event loop) while it returns CHUNK-ish.
 */
export function purgeOnce(db: Db, cutoff: number): number {
  const floor = ulidFloor(cutoff);
  return db.transaction(() => {
    let n = db.prepare('DELETE FROM events WHERE id IN (SELECT id FROM events WHERE id < ? ORDER BY id LIMIT ?)').run(floor, CHUNK).changes;
    n += db.prepare('DELETE FROM attempts WHERE seq IN (SELECT seq FROM attempts WHERE at < ? ORDER BY at LIMIT ?)').run(cutoff, CHUNK).changes;
    n += db.prepare('DELETE FROM dead_letters WHERE id IN (SELECT id FROM dead_letters WHERE died_at < ? LIMIT ?)').run(cutoff, CHUNK).changes;
    return n;
  })();
}
