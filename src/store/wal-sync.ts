/**
 * Durability without the event loop waiting on the disk. With `store.synchronous: full` the
 * database runs with SQLite's synchronous=NORMAL, so a commit only write()s its WAL frames
 * into the page cache, and this module then fsync(2)s the WAL file on libuv's thread pool:
 * one fsync in flight at a time, every commit made meanwhile covered by the next one (group
 * commit), started at most every 5 ms. A commit is on disk within about that plus one fsync,
 * the same window the pipeline's in-memory batch already has, while the event loop keeps
 * receiving.
 *
 * fsync on Linux flushes the file (the inode), whichever descriptor asks, so a read-only
 * descriptor of `<db>-wal` is enough. SQLite keeps that file (same inode; checkpoints only
 * rewind or truncate it) while its connection is open, and syncs checkpoints itself.
 */
import { close, closeSync, fsync, fsyncSync, openSync } from 'node:fs';

export interface WalSync {
  /** A commit happened: sync the WAL soon (coalesced with other requests). */
  request(): void;
  /** Syncs in flight or queued (0 when everything committed is on disk). */
  pending(): number;
  /** Syncs once more, waiting (shutdown), and stops; the database is closed after this. */
  close(): void;
}

export interface WalSyncDeps {
  /** Duration of each fsync, in seconds. */
  readonly observe: (seconds: number) => void;
  readonly onError: (err: NodeJS.ErrnoException) => void;
}

/**
 * Starts are at least this far apart, so a stream of commits costs a few hundred fsyncs a
 * second, not thousands (each one costs the event loop ~30 µs to hand to the thread pool,
 * measured); it is also the pipeline's group-commit interval.
 */
const MIN_GAP_MS = 5;

export function createWalSync(walPath: string, deps: WalSyncDeps): WalSync {
  let fd: number | undefined;
  let inFlight = false;
  let queued = false;
  let closed = false;
  let lastStart = -Infinity;
  let gap: NodeJS.Timeout | undefined;

  /** Starts the next fsync when one is wanted, none runs, and the gap has passed. */
  function kick(): void {
    if (closed || inFlight || gap || !queued) return;
    const wait = lastStart + MIN_GAP_MS - performance.now();
    if (wait > 0) {
      gap = setTimeout(() => {
        gap = undefined;
        kick();
      }, wait);
      gap.unref();
      return;
    }
    start();
  }

  function start(): void {
    queued = false;
    lastStart = performance.now();
    if (fd === undefined) {
      try {
        fd = openSync(walPath, 'r');
      } catch (err) {
        deps.onError(err as NodeJS.ErrnoException);
        return;
      }
    }
    inFlight = true;
    const started = performance.now();
    fsync(fd, (err) => {
      inFlight = false;
      deps.observe((performance.now() - started) / 1000);
      if (err) deps.onError(err);
      if (closed) return release();
      kick();
    });
  }

  function release(): void {
    if (fd === undefined) return;
    const f = fd;
    fd = undefined;
    close(f, () => {});
  }

  return {
    request() {
      if (closed) return;
      queued = true;
      kick();
    },
    pending: () => (inFlight ? 1 : 0) + (queued ? 1 : 0),
    close() {
      if (closed) return;
      closed = true;
      queued = false;
      if (gap) clearTimeout(gap);
      try {
        const f = openSync(walPath, 'r');
        try {
          fsyncSync(f);
        } finally {
          closeSync(f);
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') deps.onError(err as NodeJS.ErrnoException);
      }
      // An fsync on the thread pool still uses its descriptor: released when that one ends.
      if (!inFlight) release();
    },
  };
}
