/**
 * The idle SMTP connections of one channel, kept per server for reuse, and their retirement.
 * A connection is held by one send, idle here, or being retired; `retire` resolves only once
 * its socket has closed, so a send that waits for it frees its slot only then, and the server
 * never sees more connections than sends in flight plus idle ones (the channel's concurrency).
 */
import type { Socket } from 'node:net';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';

export interface Pooled {
  readonly conn: SMTPConnection;
  messages: number;
  idleTimer?: NodeJS.Timeout;
  /** The connection reported an error or its end: never reused. */
  broken: boolean;
}

/** How long an ended connection may take to close (QUIT, 221, FIN) before it is destroyed. */
const CLOSE_WAIT_MS = 1000;

/** Ends a connection (`quit` says goodbye first, `drop` does not); resolves once its socket closed. */
export function retire(conn: SMTPConnection, how: 'quit' | 'drop'): Promise<void> {
  const socket = conn._socket as Socket | false | null | undefined;
  if (how === 'quit' && !conn.destroyed) conn.quit();
  else conn.close();
  if (!socket || socket.closed) return Promise.resolve();
  if (how === 'drop') socket.destroy();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve();
    }, CLOSE_WAIT_MS);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export interface ConnectionPool {
  /** A healthy idle connection to `server` (`host:port`), if any; broken ones met on the way are retired. */
  take(server: string): Promise<Pooled | undefined>;
  /** After a message: keeps the connection for reuse, or retires it (pooling off, pool closed, broken, max_messages reached). */
  release(server: string, p: Pooled): Promise<void>;
  /** Retires every idle connection; later releases retire theirs. */
  close(): Promise<void>;
}

export function createConnectionPool(o: { readonly pool: boolean; readonly maxMessages: number; readonly idleTimeoutMs: number }): ConnectionPool {
  const idle = new Map<string, Pooled[]>();
  let closed = false;
  return {
    async take(server) {
      const list = idle.get(server);
      while (list?.length) {
        const p = list.pop()!;
        clearTimeout(p.idleTimer);
        if (!p.broken && !p.conn.destroyed) return p;
        await retire(p.conn, 'drop');
      }
      return undefined;
    },
    async release(server, p) {
      p.messages++;
      if (!o.pool || closed || p.broken || p.messages >= o.maxMessages) return retire(p.conn, p.broken ? 'drop' : 'quit');
      const list = idle.get(server) ?? [];
      list.push(p);
      idle.set(server, list);
      p.idleTimer = setTimeout(() => {
        const i = list.indexOf(p);
        if (i >= 0) list.splice(i, 1);
        void retire(p.conn, 'quit');
      }, o.idleTimeoutMs);
      p.idleTimer.unref();
    },
    async close() {
      closed = true;
      const ending = [...idle.values()].flat().map((p) => {
        clearTimeout(p.idleTimer);
        return retire(p.conn, 'quit');
      });
      idle.clear();
      await Promise.all(ending);
    },
  };
}
