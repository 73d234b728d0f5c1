/**
 * The checkpoint thread: with it running, commits on the service's connection never
 * checkpoint (automatic checkpoint off) and the thread copies the WAL into the database
 * file; when it stops or fails, the automatic checkpoint is back on.
 */
import assert from 'node:assert/strict';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import Database from 'better-sqlite3';
import { startCheckpointer } from '../../../src/store/checkpointer.js';
import { tempDir } from '../../helpers/temp.js';
import { waitFor } from '../../helpers/wait.js';

function walDb(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (v TEXT)');
  return db;
}

it('checkpoints on its own thread while commits only append to the WAL', async (t) => {
  const file = join(tempDir(t), 'x.db');
  const db = walDb(file);
  const refused: unknown[] = [];
  const cp = startCheckpointer(db, { onFailure: (e) => assert.fail(e), onRefused: (e) => refused.push(e), everyMs: 50 });
  t.after(async () => {
    await cp.stop();
    db.close();
  });
  assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0);
  const before = statSync(file).size;
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  db.transaction(() => { for (let i = 0; i < 3000; i++) insert.run('x'.repeat(1000)); })();
  await waitFor(() => statSync(file).size > before + 2_000_000, 'the thread to copy the WAL into the database file', 10_000);
  assert.deepEqual(refused, []);
  await cp.stop();
  assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000, 'stopped: SQLite checkpoints on commit again');
});

it('a thread that cannot start turns the automatic checkpoint back on and says why', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'gone.db');
  const db = walDb(file);
  t.after(() => db.close());
  // The thread opens the file by name with fileMustExist: remove it under the connection.
  rmSync(file);
  const failures: Error[] = [];
  startCheckpointer(db, { onFailure: (e) => failures.push(e), onRefused: () => {} });
  await waitFor(() => failures.length > 0, 'the failure to be reported');
  assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000);
});
