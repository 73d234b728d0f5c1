/**
 * Route state rows and silences. Route state is opaque JSON owned by the route stage,
 * keyed by an id it chooses; a change with value null deletes the row. Silences are the
 * ones added at run time (`eventgate silence add`); the config's own are not stored.
 */
import type { Db } from './database.js';

export interface StateChange {
  readonly id: string;
  /** The new value (JSON-serializable), or null to delete. */
  readonly value: unknown;
}

export function createStateWriter(db: Db) {
  const put = db.prepare('INSERT OR REPLACE INTO route_state (id, value) VALUES (?, ?)');
  const del = db.prepare('DELETE FROM route_state WHERE id = ?');
  return {
    /** Call inside a transaction. */
    apply(changes: readonly StateChange[]): void {
      for (const c of changes) {
        if (c.value === null) del.run(c.id);
        else put.run(c.id, JSON.stringify(c.value));
      }
    },
  };
}

/** Every route state row, for the route stage to restore. */
export function loadState(db: Db): [string, unknown][] {
  return (db.prepare('SELECT id, value FROM route_state').all() as { id: string; value: string }[]).map((r) => [r.id, JSON.parse(r.value)]);
}

export interface StoredSilence {
  readonly id: string;
  /** The match, in the config's shape (category, severity, rule, host, product, fields). */
  readonly match: Record<string, unknown>;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly comment: string;
  readonly createdAt: number;
  readonly createdBy: string;
}

export function listSilences(db: Db): StoredSilence[] {
  const rows = db.prepare('SELECT id, match, starts_at, ends_at, comment, created_at, created_by FROM silences ORDER BY starts_at, id').all() as Record<string, unknown>[];
  return rows.map((r) => ({
    id: r.id as string,
    match: JSON.parse(r.match as string) as Record<string, unknown>,
    startsAt: r.starts_at as number,
    endsAt: r.ends_at as number,
    comment: r.comment as string,
    createdAt: r.created_at as number,
    createdBy: r.created_by as string,
  }));
}

export function addSilence(db: Db, s: StoredSilence): void {
  db.prepare('INSERT INTO silences (id, match, starts_at, ends_at, comment, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(s.id, JSON.stringify(s.match), s.startsAt, s.endsAt, s.comment, s.createdAt, s.createdBy);
}

/** Removes a silence; false when there was none with that id. */
export function removeSilence(db: Db, id: string): boolean {
  return db.prepare('DELETE FROM silences WHERE id = ?').run(id).changes > 0;
}

/** Removes silences that ended before `before`. */
export function expireSilences(db: Db, before: number): number {
  return db.prepare('DELETE FROM silences WHERE ends_at < ?').run(before).changes;
}
