/**
 * Operator access to the outbox (`eventgate outbox list|retry|purge`), safe against a
 * running gateway: every change is one transaction, and the service notices it within a
 * second (it watches SQLite's data_version) and recounts. A record the service has in
 * flight may still be delivered once after a purge.
 */
import type { Notification } from '../core/notification.js';
import { SEVERITIES } from '../core/severity.js';
import type { Db } from './database.js';

export interface OutboxEntry {
  readonly id: string;
  readonly channel: string;
  readonly severity: string;
  readonly createdAt: number;
  /** Pending: next attempt; dead: when it was given up. */
  readonly at: number;
  readonly attempts: number;
  readonly error?: { code: string; message: string };
  readonly title: string;
  readonly kind: string;
}

export interface Selection {
  readonly dead: boolean;
  readonly channel?: string;
  readonly ids?: readonly string[];
}

function where(sel: Selection): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (sel.channel !== undefined) { parts.push('channel = ?'); params.push(sel.channel); }
  if (sel.ids && sel.ids.length) { parts.push(`id IN (${sel.ids.map(() => '?').join(', ')})`); params.push(...sel.ids); }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

export function listOutbox(db: Db, sel: Selection, limit: number): { total: number; entries: OutboxEntry[] } {
  const w = where(sel);
  const table = sel.dead ? 'dead_letters' : 'outbox';
  const cols = sel.dead
    ? 'id, channel, severity, created_at, died_at AS at, attempts, error_code AS code, error_message AS message, body'
    : 'id, channel, severity, created_at, next_attempt_at AS at, attempts, last_error_code AS code, last_error_message AS message, body';
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM ${table} ${w.sql}`).get(...w.params) as { n: number }).n;
  const rows = db.prepare(`SELECT ${cols} FROM ${table} ${w.sql} ORDER BY created_at, id LIMIT ?`).all(...w.params, limit) as Record<string, unknown>[];
  const entries = rows.map((r) => {
    const n = JSON.parse(r.body as string) as Notification;
    return {
      id: r.id as string, channel: r.channel as string, severity: SEVERITIES[r.severity as number] ?? 'debug',
      createdAt: r.created_at as number, at: r.at as number, attempts: r.attempts as number,
      ...(r.code ? { error: { code: r.code as string, message: (r.message as string | null) ?? '' } } : {}),
      title: n.title, kind: n.kind,
    };
  });
  return { total, entries };
}

/**
 * Makes records due now: dead letters go back to the outbox with their attempts reset
 * (their age counts from now, so `max_age` does not bury them at once); pending ones are
 * simply due now. Returns how many of each.
 */
export function retryOutbox(db: Db, sel: Omit<Selection, 'dead'>, now: number): { revived: number; rescheduled: number } {
  const w = where({ ...sel, dead: true });
  return db.transaction(() => {
    const dead = db.prepare(`SELECT id, channel, severity, body FROM dead_letters ${w.sql}`).all(...w.params) as { id: string; channel: string; severity: number; body: string }[];
    const insert = db.prepare('INSERT OR REPLACE INTO outbox (id, channel, severity, created_at, next_attempt_at, attempts, body) VALUES (?, ?, ?, ?, ?, 0, ?)');
    const del = db.prepare('DELETE FROM dead_letters WHERE id = ?');
    for (const d of dead) {
      const n = { ...(JSON.parse(d.body) as Notification), createdAt: now };
      insert.run(d.id, d.channel, d.severity, now, now, JSON.stringify(n));
      del.run(d.id);
    }
    const rescheduled = db.prepare(`UPDATE outbox SET next_attempt_at = ? ${w.sql ? w.sql + ' AND' : 'WHERE'} next_attempt_at > ?`).run(now, ...w.params, now).changes;
    return { revived: dead.length, rescheduled };
  })();
}

/** Deletes records (pending or dead); returns how many. */
export function purgeOutbox(db: Db, sel: Selection): number {
  const w = where(sel);
  return db.prepare(`DELETE FROM ${sel.dead ? 'dead_letters' : 'outbox'} ${w.sql}`).run(...w.params).changes;
}
