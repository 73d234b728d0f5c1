/**
 * Opens the state database (one SQLite file, WAL) in the state directory and brings its
 * schema up to date. Every table of the store is created here, so the record formats are
 * in one place; `user_version` numbers the schema. Opening never deletes data.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { GatewayError } from '../core/errors.js';

export type Db = Database.Database;

export const DB_FILE = 'eventgate.db';
const SCHEMA_VERSION = 3;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (
  id TEXT PRIMARY KEY,              -- notification id (ULID)
  channel TEXT NOT NULL,
  severity INTEGER NOT NULL,        -- rank: 0 debug .. 4 critical (drop order)
  created_at INTEGER NOT NULL,      -- ms since the epoch
  next_attempt_at INTEGER NOT NULL, -- ms since the epoch
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error_code TEXT,
  last_error_message TEXT,
  body TEXT NOT NULL                -- the Notification as JSON
);
-- Ending in id, so "ORDER BY ..., id" reads the index in order and never sorts.
CREATE INDEX IF NOT EXISTS outbox_due_order ON outbox (channel, next_attempt_at, id);
CREATE INDEX IF NOT EXISTS outbox_drop_order ON outbox (severity, created_at, id);
CREATE TABLE IF NOT EXISTS dead_letters (
  id TEXT PRIMARY KEY,
  channel TEXT NOT NULL,
  severity INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  died_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  error_code TEXT NOT NULL,
  error_message TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS dead_letters_died ON dead_letters (died_at);
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY,              -- event id (ULID: sorts by arrival; time ranges use it)
  received_at INTEGER NOT NULL,
  listener TEXT NOT NULL,
  peer TEXT NOT NULL,
  host TEXT NOT NULL,
  category TEXT NOT NULL,
  severity TEXT NOT NULL,
  rule_id TEXT,
  state TEXT NOT NULL,
  key TEXT NOT NULL,
  title TEXT NOT NULL,
  message TEXT NOT NULL,
  fields TEXT NOT NULL,             -- JSON object
  raw BLOB,
  notifications TEXT NOT NULL,      -- JSON array of notification ids
  silenced TEXT                     -- id of the silence that held it back
);
-- Partial: most events are "other" (found by scanning newest first); indexing only the
-- classified ones saves a fifth of each history insert.
CREATE INDEX IF NOT EXISTS events_classified ON events (category, id) WHERE category <> 'other';
CREATE TABLE IF NOT EXISTS attempts (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  notification_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  outcome TEXT NOT NULL,            -- sent | retry | failed | dead | dropped
  code TEXT,
  message TEXT
);
CREATE INDEX IF NOT EXISTS attempts_at ON attempts (at);
CREATE INDEX IF NOT EXISTS attempts_notification ON attempts (notification_id);
CREATE TABLE IF NOT EXISTS route_state (
  id TEXT PRIMARY KEY,              -- kind|route>channel|key, owned by the route stage
  value TEXT NOT NULL               -- JSON
);
CREATE TABLE IF NOT EXISTS silences (
  id TEXT PRIMARY KEY,
  match TEXT NOT NULL,              -- JSON, the same shape as a route's match
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  comment TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL
);
`;

export interface OpenOptions {
  readonly synchronous: 'full' | 'normal';
  readonly readonly?: boolean;
}

/** Opens (creating when needed) the database in `dir`; throws ERR_STORE_OPEN. */
export function openDatabase(dir: string, opts: OpenOptions): Db {
  let db: Db | undefined;
  try {
    if (!opts.readonly) mkdirSync(dir, { recursive: true, mode: 0o750 });
    db = new Database(join(dir, DB_FILE), { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
    // A CLI command and the service share the file: wait for the other's write to finish.
    db.pragma('busy_timeout = 5000');
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${opts.synchronous.toUpperCase()}`);
      // Keep the WAL from staying large after a burst (and on a nearly full disk).
      db.pragma('journal_size_limit = 67108864');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) throw new Error(`database schema ${version} is newer than this eventgate (${SCHEMA_VERSION})`);
      if (version < SCHEMA_VERSION) {
        const d = db;
        d.transaction(() => {
          // 1 → 2: the outbox indexes gained the id; 2 → 3: the category index became partial
          // (their replacements are in SCHEMA).
          d.exec('DROP INDEX IF EXISTS outbox_due; DROP INDEX IF EXISTS outbox_drop; DROP INDEX IF EXISTS events_category;');
          d.exec(SCHEMA);
          d.pragma(`user_version = ${SCHEMA_VERSION}`);
        })();
      }
    }
    return db;
  } catch (err) {
    db?.close();
    throw new GatewayError('ERR_STORE_OPEN', `cannot open the state database in ${dir}: ${(err as Error).message}`, { cause: err });
  }
}

/** True for errors that mean "the write did not happen, try again later" (disk full, I/O). */
export function isWriteFailure(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}
