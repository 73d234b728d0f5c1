/**
 * Bounded capture of a hook's stdout or stderr. At most `max` bytes are kept; the rest is
 * read and dropped so the hook never blocks on a full pipe. The pipe is read into one
 * reused buffer (net.Socket's `onread`), so a hook that writes 100 MB allocates nothing per
 * chunk and memory stays flat; if the pipe handle cannot be taken over, it falls back to
 * 'data' events (same bound on what is kept, more garbage for the GC).
 */
import { Socket, type SocketConstructorOpts } from 'node:net';
import type { Readable } from 'node:stream';

export interface Captured {
  readonly text: string;
  readonly truncated: boolean;
}

export interface Capture {
  /** Resolves when the pipe has closed (or at once if there was none). */
  readonly done: Promise<void>;
  read(): Captured;
  /** Stops reading (a descendant that left the process group may hold the pipe open). */
  stop(): void;
}

const SCRATCH_BYTES = 64 * 1024;

export function capture(stream: Readable | null, max: number): Capture {
  const kept = Buffer.alloc(max);
  let size = 0;
  let truncated = false;
  const take = (chunk: Uint8Array) => {
    const n = Math.min(chunk.length, max - size);
    if (n > 0) kept.set(chunk.subarray(0, n), size);
    size += n;
    if (n < chunk.length) truncated = true;
  };
  const read = () => ({ text: kept.subarray(0, size).toString('utf8'), truncated });
  if (!stream) return { done: Promise.resolve(), read, stop() {} };

  let source: Readable = stream;
  const internal = stream as unknown as { _handle?: unknown };
  if (internal._handle) {
    const handle = internal._handle;
    internal._handle = null; // the child's stream must not close the handle we now own
    stream.destroy();
    const scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
    source = new Socket({ handle, readable: true, writable: false, onread: { buffer: scratch, callback: (n: number, buf: Buffer) => take(buf.subarray(0, n)) } } as SocketConstructorOpts);
  } else {
    stream.on('data', (c: Buffer) => take(c));
  }
  source.on('error', () => {
    // The pipe broke; what was read so far is what there is.
  });
  const done = new Promise<void>((resolve) => source.once('close', () => resolve()));
  source.resume();
  return { done, read, stop: () => source.destroy() };
}
