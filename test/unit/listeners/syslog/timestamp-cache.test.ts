/**
 * RFC 3164 timestamps are converted through a cache keyed by their text; the year of a
 * year-less timestamp depends on `now`. Against the plain conversion (written out here as
 * the oracle), any sequence of (timestamp, now) pairs gives the same answers, also across
 * a new year and the "more than a day in the future" line.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseRfc3164 } from '../../../../src/listeners/syslog/parse-rfc3164.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function oracle(mon: string, day: number, year: number | undefined, h: number, mi: number, s: number, now: number): string | undefined {
  const month = MONTHS.indexOf(mon);
  if (day < 1 || day > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  let y = year ?? new Date(now).getFullYear();
  const build = (yy: number) => new Date(yy, month, day, h, mi, Math.min(s, 59));
  let date = build(y);
  if (year === undefined && date.getTime() > now + 86_400_000) date = build(--y);
  if (date.getMonth() !== month || date.getDate() !== day) return undefined;
  return date.toISOString();
}

const pad = (n: number) => String(n).padStart(2, '0');
const stamp = fc.record({
  mon: fc.constantFrom('Jan', 'Feb', 'Dec'),
  day: fc.constantFrom(1, 2, 28, 29, 30, 31),
  year: fc.option(fc.constantFrom(2024, 2025, 2026), { nil: undefined }),
  h: fc.constantFrom(0, 12, 23),
  mi: fc.constantFrom(0, 59),
  s: fc.constantFrom(0, 59, 60),
});
// Around new years (local time), and around a day before a Dec 31 / Jan 1 / Feb 29 timestamp.
const nows = [2024, 2025, 2026, 2027].flatMap((y) => [new Date(y, 0, 1).getTime(), new Date(y, 0, 1).getTime() - 1, new Date(y, 11, 30, 23, 59, 59).getTime(), new Date(y, 11, 31).getTime(), new Date(y, 1, 27, 23).getTime(), new Date(y, 1, 28, 12).getTime()]);
const now = fc.oneof(fc.constantFrom(...nows), fc.constantFrom(...nows).chain((n) => fc.integer({ min: -2 * 86_400_000, max: 2 * 86_400_000 }).map((d) => n + d)));

describe('RFC 3164 timestamp cache', () => {
  it('answers as the uncached conversion for any sequence of timestamps and clocks', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(stamp, now), { minLength: 1, maxLength: 30 }), (pairs) => {
        for (const [t, n] of pairs) {
          const text = `${t.mon} ${t.day < 10 ? ` ${t.day}` : t.day}${t.year ? ` ${t.year}` : ''} ${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}`;
          const got = parseRfc3164(`${text} host app: x`, n);
          const want = oracle(t.mon, t.day, t.year, t.h, t.mi, t.s, n);
          assert.equal(got.timestamp, want, `${text} at ${new Date(n).toISOString()}`);
          assert.equal(got.problem, want === undefined ? 'invalid timestamp' : undefined);
        }
      }),
      { numRuns: 1500, seed: 3 },
    );
  });
});
