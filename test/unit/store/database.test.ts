/**
 * Schema versions: a version-1 state database (outbox indexes without the id, a full
 * category index) is brought to version 3 on open, keeping its rows; a newer schema is
 * refused, never changed.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import Database from 'better-sqlite3';
import { DB_FILE, openDatabase } from '../../../src/store/database.js';
import { tempDir } from '../../helpers/temp.js';

const indexes = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('outbox', 'events') AND sql IS NOT NULL ORDER BY name").all() as { name: string }[]).map((r) => r.name);

it('migrates a version 1 database: the outbox indexes gain the id, the category index becomes partial, rows stay', (t) => {
  const dir = tempDir(t);
  const v1 = new Database(join(dir, DB_FILE));
  v1.exec(`CREATE TABLE outbox (id TEXT PRIMARY KEY, channel TEXT NOT NULL, severity INTEGER NOT NULL, created_at INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error_code TEXT, last_error_message TEXT, body TEXT NOT NULL);
    CREATE INDEX outbox_due ON outbox (channel, next_attempt_at);
    CREATE INDEX outbox_drop ON outbox (severity, created_at);
    INSERT INTO outbox (id, channel, severity, created_at, next_attempt_at, body) VALUES ('N1', 'mail', 4, 1, 1, '{}');
    CREATE TABLE events (id TEXT PRIMARY KEY, received_at INTEGER NOT NULL, listener TEXT NOT NULL, peer TEXT NOT NULL, host TEXT NOT NULL,
      category TEXT NOT NULL, severity TEXT NOT NULL, rule_id TEXT, state TEXT NOT NULL, key TEXT NOT NULL, title TEXT NOT NULL,
      message TEXT NOT NULL, fields TEXT NOT NULL, raw BLOB, notifications TEXT NOT NULL, silenced TEXT);
    CREATE INDEX events_category ON events (category, id);
    PRAGMA user_version = 1;`);
  v1.close();
  const db = openDatabase(dir, { synchronous: 'normal' });
  try {
    assert.equal(db.pragma('user_version', { simple: true }), 3);
    assert.deepEqual(indexes(db), ['events_classified', 'outbox_drop_order', 'outbox_due_order']);
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n, 1);
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT id FROM outbox WHERE channel = ? AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 2').all('mail', 5) as { detail: string }[];
    assert.ok(plan.every((p) => !p.detail.includes('TEMP B-TREE')), JSON.stringify(plan));
    const byCategory = db.prepare("EXPLAIN QUERY PLAN SELECT id FROM events WHERE category = ? AND category <> 'other' ORDER BY id DESC LIMIT 10").all('virus') as { detail: string }[];
    assert.ok(byCategory.some((p) => p.detail.includes('events_classified')), `the partial index serves category queries: ${JSON.stringify(byCategory)}`);
  } finally {
    db.close();
  }
});

it('refuses a database from a newer eventgate and leaves it as it is', (t) => {
  const dir = tempDir(t);
  const future = new Database(join(dir, DB_FILE));
  future.pragma('user_version = 99');
  future.close();
  assert.throws(() => openDatabase(dir, { synchronous: 'normal' }), /schema 99 is newer/);
  const again = new Database(join(dir, DB_FILE));
  assert.equal(again.pragma('user_version', { simple: true }), 99);
  again.close();
});
