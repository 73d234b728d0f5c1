/**
 * WAL checkpoints on a worker thread. SQLite's automatic checkpoint runs inside the commit
 * that crosses 1,000 pages, on the event loop, copying 4 MB and fsyncing the WAL and the
 * database there: measured, a 12 ms stall of ingestion several times a second under load
 * (2 ms without). Here the service's connection turns the automatic checkpoint off and a
 * second connection, on its own thread, runs a PASSIVE checkpoint every `everyMs` (it never
 * blocks the writer; the writer rewinds the WAL once a checkpoint has caught up). Should the
 * thread fail, the automatic checkpoint is turned back on, so the WAL never grows unbounded.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './database.js';

export interface Checkpointer {
  /** Stops the thread (the caller checkpoints once more when it closes the database). */
  stop(): Promise<void>;
}

export interface CheckpointerDeps {
  /** The thread failed; automatic checkpoints are back on. */
  readonly onFailure: (err: Error) => void;
  /** A checkpoint was refused (disk full, I/O); reported once until one succeeds again. */
  readonly onRefused: (err: { code?: string; message: string }) => void;
  readonly everyMs?: number;
}

/** CommonJS evaluated in the thread, so it runs alike from dist/ and under tsx. */
const WORKER_SOURCE = `
const { parentPort, workerData: w } = require('node:worker_threads');
const Database = require(w.driver);
const db = new Database(w.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
let refused = false;
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    refused = false;
  } catch (err) {
    if (err && err.code === 'SQLITE_BUSY') return;
    if (!refused) parentPort.postMessage({ code: err && err.code, message: String(err && err.message) });
    refused = true;
  }
}, w.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export function startCheckpointer(db: Db, deps: CheckpointerDeps): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file: db.name, everyMs: deps.everyMs ?? 250 } });
  db.pragma('wal_autocheckpoint = 0');
  worker.unref();
  let stopped = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const fail = (err: Error) => {
    if (stopped) return;
    stopped = true;
    db.pragma('wal_autocheckpoint = 1000');
    deps.onFailure(err);
  };
  worker.on('message', (m: { code?: string; message: string }) => deps.onRefused(m));
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`checkpoint thread exited with code ${code}`)));
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      db.pragma('wal_autocheckpoint = 1000');
      worker.postMessage('stop');
      const timeout = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
