import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createFramer, type FrameResult } from '../../../../src/listeners/syslog/framing.js';

/** Feeds `chunks` and collects every result, then the end-of-stream result. */
function run(chunks: (string | Buffer)[], maxFrame = 64): { frames: string[]; framing: string[]; error?: string; endError?: string } {
  const f = createFramer(maxFrame);
  const frames: string[] = [];
  const framing: string[] = [];
  let error: string | undefined;
  const take = (r: FrameResult | undefined): boolean => {
    if (!r) return false;
    if (r.kind === 'error') error = r.reason;
    else {
      frames.push(r.bytes.toString('latin1'));
      framing.push(r.framing);
    }
    return true;
  };
  for (const c of chunks) {
    f.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
    while (take(f.next()));
  }
  const last = f.end();
  if (last?.kind === 'error') return { frames, framing, ...(error ? { error } : {}), endError: last.reason };
  take(last);
  return { frames, framing, ...(error ? { error } : {}) };
}

describe('RFC 6587 framer', () => {
  it('splits LF-terminated frames and strips nothing but the LF', () => {
    assert.deepEqual(run(['<13>a\n<13>b\r\n', '<13>c\n']).frames, ['<13>a', '<13>b\r', '<13>c']);
  });
  it('reads octet-counted frames, including an LF inside the message', () => {
    const r = run(['11 <13>a\nb c d5 <13>x']);
    assert.deepEqual(r.frames, ['<13>a\nb c d', '<13>x']);
    assert.deepEqual(r.framing, ['octet', 'octet']);
  });
  it('detects the framing per frame on one connection', () => {
    const r = run(['5 <13>a<13>lf line\n6 <13>bc<13>again\n']);
    assert.deepEqual(r.frames, ['<13>a', '<13>lf line', '<13>bc', '<13>again']);
    assert.deepEqual(r.framing, ['octet', 'lf', 'octet', 'lf']);
  });
  it('reassembles frames split at every byte', () => {
    const text = '5 <13>a<13>line one\n13 <13>two\nthree';
    const r = run([...text].map((c) => c));
    assert.deepEqual(r.frames, ['<13>a', '<13>line one', '<13>two\nthree']);
  });
  it('skips empty lines and an LF after an octet frame', () => {
    assert.deepEqual(run(['\n\n5 <13>a\n<13>b\n\n']).frames, ['<13>a', '<13>b']);
  });
  it('takes a line that starts with digits but has no count as an LF frame', () => {
    assert.deepEqual(run(['2026-01-01 plain line\n', '42abc\n']).frames, ['2026-01-01 plain line', '42abc']);
  });
  it('returns an unterminated last line at end of stream', () => {
    assert.deepEqual(run(['<13>a\n<13>tail']).frames, ['<13>a', '<13>tail']);
  });
  const hostile: [string, string[], string][] = [
    ['an octet count larger than maxFrame', ['65 ' + 'x'.repeat(65)], 'oversize'],
    ['an octet count with 11 digits', ['99999999999 <13>x'], 'oversize'],
    ['a 5,000-digit octet count', ['9'.repeat(5000) + ' x'], 'oversize'],
    ['a count of 0', ['0 <13>x'], 'bad_count'],
    ['a line longer than maxFrame without LF', ['<13>' + 'y'.repeat(100)], 'oversize'],
    ['a line longer than maxFrame with LF', ['<13>' + 'y'.repeat(100) + '\n'], 'oversize'],
  ];
  for (const [what, chunks, reason] of hostile) {
    it(`fails on ${what} and ignores further input`, () => {
      const f = createFramer(64);
      f.push(Buffer.from(chunks[0]!, 'latin1'));
      const r = f.next();
      assert.equal(r?.kind, 'error');
      assert.equal(r.kind === 'error' && r.reason, reason);
      f.push(Buffer.from('<13>later\n'));
      assert.equal(f.next(), undefined);
      assert.equal(f.buffered(), 0, 'the failed framer holds no bytes');
    });
  }
  it('accepts a frame of exactly maxFrame bytes', () => {
    assert.deepEqual(run(['64 ' + 'z'.repeat(64), 'l'.repeat(64) + '\n']).frames, ['z'.repeat(64), 'l'.repeat(64)]);
  });
  it('reports a count followed by end of stream as a cut frame', () => {
    assert.equal(run(['20 <13>short']).endError, 'bad_count');
    assert.equal(run(['123']).endError, 'bad_count');
  });
  it('holds at most maxFrame plus one chunk while a line is incomplete', () => {
    const f = createFramer(1000);
    for (let i = 0; i < 9; i++) {
      f.push(Buffer.alloc(100, 0x61));
      assert.equal(f.next(), undefined);
    }
    assert.equal(f.buffered(), 900);
    f.push(Buffer.alloc(200, 0x61));
    assert.equal(f.next()?.kind, 'error');
  });

  it('never throws and never returns a frame over maxFrame, on arbitrary bytes in arbitrary chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), fc.integer({ min: 1, max: 200 }), (chunks, max) => {
        const f = createFramer(max);
        for (const c of chunks) {
          f.push(Buffer.from(c));
          for (let r = f.next(); r; r = f.next()) if (r.kind === 'frame') assert.ok(r.bytes.length <= max);
        }
        const last = f.end();
        if (last?.kind === 'frame') assert.ok(last.bytes.length <= max);
      }),
      { numRuns: 3000 },
    );
  });

  it('yields the same frames however the stream is cut into chunks', () => {
    const frame = fc.oneof(
      fc.string({ minLength: 1, maxLength: 40 }).map((s) => `<13>${s.replace(/\n/g, ' ')}\n`),
      fc.string({ minLength: 1, maxLength: 40 }).map((s) => `${Buffer.byteLength(`<13>${s}`)} <13>${s}`),
    );
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 10 }), fc.array(fc.nat(), { maxLength: 10 }), (frames, cuts) => {
        const all = Buffer.from(frames.join(''));
        const points = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let prev = 0;
        for (const p of [...points, all.length]) {
          chunks.push(all.subarray(prev, p));
          prev = p;
        }
        const whole = run([all], 1000).frames;
        assert.deepEqual(run(chunks, 1000).frames, whole);
        assert.equal(whole.length, frames.length);
      }),
      { numRuns: 1000 },
    );
  });
});
