/**
 * RFC 6587 framing for syslog over TCP and TLS, detected per frame: a frame that starts with
 * a digit is octet-counted (`LEN SP MSG`), any other frame ends at LF. Pull-based: the
 * connection pushes chunks and asks for frames only while the pipeline has room, so a
 * paused connection holds at most what it already read. Never throws; a frame (or an
 * octet count) larger than `maxFrame` ends the stream with an `oversize` error.
 */

export type FrameResult =
  | { readonly kind: 'frame'; readonly bytes: Buffer; readonly framing: 'octet' | 'lf' }
  | { readonly kind: 'error'; readonly reason: 'oversize' | 'bad_count'; readonly detail: string };

export interface Framer {
  /** Adds received bytes. Ignored once the framer has failed. */
  push(chunk: Buffer): void;
  /** The next complete frame or error; undefined when more bytes are needed. */
  next(): FrameResult | undefined;
  /** At end of stream: what is left (an unterminated last line, or a truncated octet frame). */
  end(): FrameResult | undefined;
  /** Bytes held (read but not yet returned as frames). */
  buffered(): number;
}

const SP = 0x20;
const LF = 0x0a;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** Creates a framer for one connection. */
export function createFramer(maxFrame: number): Framer {
  // Unconsumed input, as a list of chunks with an offset into the first one.
  const chunks: Buffer[] = [];
  let offset = 0;
  let total = 0;
  let failed = false;
  // For an LF frame: how many held bytes were already searched for LF (avoids rescanning).
  let scanned = 0;

  function byteAt(i: number): number {
    let pos = offset + i;
    for (const c of chunks) {
      if (pos < c.length) return c[pos]!;
      pos -= c.length;
    }
    return -1;
  }

  /** Removes `n` bytes from the front and returns them as one Buffer. */
  function take(n: number): Buffer {
    const parts: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const c = chunks[0]!;
      const avail = c.length - offset;
      if (avail <= need) {
        parts.push(offset === 0 ? c : c.subarray(offset));
        chunks.shift();
        offset = 0;
        need -= avail;
      } else {
        parts.push(c.subarray(offset, offset + need));
        offset += need;
        need = 0;
      }
    }
    total -= n;
    scanned = 0;
    countAt = 0;
    countValue = 0;
    // Copy so a small frame does not pin a large socket chunk in memory.
    return parts.length === 1 ? Buffer.from(parts[0]!) : Buffer.concat(parts, n);
  }

  function skip(n: number): void {
    take(n);
  }

  /** Index of the first LF at or after `from`, or -1. */
  function findLf(from: number): number {
    let base = 0;
    let pos = offset;
    for (const c of chunks) {
      const len = c.length - pos;
      if (from < base + len) {
        const start = Math.max(0, from - base);
        const i = c.indexOf(LF, pos + start);
        if (i >= 0) return base + (i - pos);
      }
      base += len;
      pos = 0;
    }
    return -1;
  }

  function fail(reason: 'oversize' | 'bad_count', detail: string): FrameResult {
    failed = true;
    chunks.length = 0;
    offset = 0;
    total = 0;
    countAt = 0;
    countValue = 0;
    return { kind: 'error', reason, detail };
  }

  // Progress of an octet count being read, so a count arriving byte by byte is scanned once.
  let countAt = 0;
  let countValue = 0;

  /**
   * Reads an octet count at the front. Returns the count and header length, 'more' when
   * the count is not complete yet, 'lf' when the digits turn out to start a plain line,
   * or an error. Overflow-safe: the value is capped just above maxFrame while scanning.
   */
  function readCount(): { count: number; header: number } | 'more' | 'lf' | FrameResult {
    for (; ; countAt++) {
      if (countAt >= total) {
        // A run of digits longer than any frame is oversize whatever follows it.
        if (countAt > maxFrame) return fail('oversize', `octet count or line longer than ${maxFrame} bytes`);
        return 'more';
      }
      const c = byteAt(countAt);
      if (c === SP) {
        if (countValue > maxFrame) return fail('oversize', `octet count exceeds ${maxFrame} bytes`);
        if (countValue === 0) return fail('bad_count', 'octet count 0');
        return { count: countValue, header: countAt + 1 };
      }
      if (!isDigit(c)) return 'lf';
      countValue = Math.min(maxFrame + 1, countValue * 10 + (c - 0x30));
    }
  }

  function nextLine(): FrameResult | undefined {
    const lf = findLf(scanned);
    if (lf < 0) {
      scanned = total;
      if (total > maxFrame) return fail('oversize', `line longer than ${maxFrame} bytes without LF`);
      return undefined;
    }
    if (lf > maxFrame) return fail('oversize', `line longer than ${maxFrame} bytes`);
    const bytes = take(lf + 1).subarray(0, lf);
    return { kind: 'frame', bytes, framing: 'lf' };
  }

  const framer: Framer = {
    push(chunk) {
      if (failed || chunk.length === 0) return;
      chunks.push(chunk);
      total += chunk.length;
      // A sender trickling tiny chunks would make every lookup walk a long list: coalesce.
      if (chunks.length > 64) {
        const all = Buffer.concat([chunks[0]!.subarray(offset), ...chunks.slice(1)], total);
        chunks.length = 0;
        chunks.push(all);
        offset = 0;
      }
    },
    next() {
      for (;;) {
        if (failed || total === 0) return undefined;
        const first = byteAt(0);
        // Empty lines (and the LF some senders add after an octet frame) carry nothing.
        if (first === LF) {
          skip(1);
          continue;
        }
        if (isDigit(first) && scanned === 0) {
          const count = readCount();
          if (count === 'more') return undefined;
          if (count !== 'lf') {
            if ('kind' in count) return count;
            if (total < count.header + count.count) return undefined;
            skip(count.header);
            return { kind: 'frame', bytes: take(count.count), framing: 'octet' };
          }
        }
        return nextLine();
      }
    },
    end() {
      if (failed || total === 0) return undefined;
      if (isDigit(byteAt(0)) && scanned === 0) {
        const count = readCount();
        if (count !== 'lf' && count !== 'more' && 'kind' in count) return count;
        if (count !== 'lf') return fail('bad_count', 'connection closed inside an octet-counted frame');
      }
      if (total > maxFrame) return fail('oversize', `line longer than ${maxFrame} bytes`);
      return { kind: 'frame', bytes: take(total), framing: 'lf' };
    },
    buffered: () => total,
  };
  return framer;
}
