/**
 * Helpers for tests of the store: a fast shell hook that records notification ids, a UDP
 * syslog sender, a read-only view of the gateway's state database, and a process's RSS.
 */
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * A /bin/sh hook (a few ms per run, unlike a Node hook) appending "id virus" per delivery.
 * It fails (exit 75) while the file `<dir>/<name>.blocked` exists, and sleeps `$HOOK_SLEEP`
 * seconds first (from the channel's `env`).
 */
export function shellHook(dir: string, name = 'sh-hook'): { path: string; block(on: boolean): void; ids(): string[]; values(): string[] } {
  const path = join(dir, `${name}.sh`);
  const out = join(dir, `${name}.out`);
  const blocked = join(dir, `${name}.blocked`);
  writeFileSync(path, `#!/bin/sh
[ -e '${blocked}' ] && exit 75
[ -n "$HOOK_SLEEP" ] && sleep "$HOOK_SLEEP"
echo "$EVENTGATE_NOTIFICATION_ID $EVENTGATE_FIELD_VIRUSNAME" >> '${out}'
exit 0
`);
  chmodSync(path, 0o755);
  const lines = () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : []);
  return {
    path,
    block(on) {
      if (on) writeFileSync(blocked, '');
      else rmSync(blocked, { force: true });
    },
    ids: () => lines().map((l) => l.split(' ')[0]!),
    values: () => lines().map((l) => l.split(' ')[1] ?? ''),
  };
}

/** Sends syslog lines over UDP to 127.0.0.1:port, paced so the kernel buffer never overflows. */
export async function sendUdp(port: number, lines: readonly string[], perTurn = 200): Promise<void> {
  const sock = createSocket('udp4');
  try {
    for (let i = 0; i < lines.length; i += perTurn) {
      await Promise.all(lines.slice(i, i + perTurn).map((l) => new Promise<void>((res, rej) => sock.send(l, port, '127.0.0.1', (e) => (e ? rej(e) : res())))));
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    sock.close();
  }
}

/** A virus line the generic rule pack classifies (critical), naming `virus`. */
export const virusLine = (virus: string, host = 'PC-1') => `<12>Nov 22 10:15:02 fs01 avscan: Virus found: ${virus} in /srv/x on ${host}`;

/** Runs `fn` on a read-only connection to the state database in `stateDir`. */
export function withStateDb<T>(stateDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(join(stateDir, 'eventgate.db'), { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return fn(db);
  } finally {
    db.close();
  }
}

export const count = (stateDir: string, sql: string): number =>
  withStateDb(stateDir, (db) => (db.prepare(sql).get() as { n: number }).n);

/** Resident set size of a process in bytes (Linux). */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}
