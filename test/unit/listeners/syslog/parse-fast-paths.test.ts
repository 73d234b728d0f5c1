/**
 * The parser's char-code fast paths against the general forms they replace: the RFC 5424
 * version check against its regex, the cached timestamp check against a fresh answer, the
 * CEF/LEEF header split against a character-by-character split, and the CEF key
 * characters against their character class (every UTF-16 code unit).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { looksLikeRfc5424, validTimestamp } from '../../../../src/listeners/syslog/parse-rfc5424.js';
import { parseCefExtension, splitPipeHeader } from '../../../../src/listeners/syslog/payload/cef.js';

/** The split as first written: one character at a time. */
function splitReference(text: string, start: number, count: number, escaped: string, lastMayEnd: boolean): { fields: string[]; end: number } | undefined {
  const fields: string[] = [];
  let cur = '';
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '\\' && next !== undefined && escaped.includes(next)) {
      cur += next;
      i++;
    } else if (c === '|') {
      fields.push(cur);
      cur = '';
      if (fields.length === count) return { fields, end: i + 1 };
    } else {
      cur += c;
    }
  }
  if (lastMayEnd && fields.length === count - 1) return { fields: [...fields, cur], end: text.length };
  return undefined;
}

const text = (alphabet: string[], maxLength = 40) => fc.array(fc.constantFrom(...alphabet), { maxLength }).map((a) => a.join(''));

describe('syslog parser fast paths', () => {
  it('looksLikeRfc5424 answers as /^[1-9]\\d{0,2} / on the first four characters', () => {
    fc.assert(
      fc.property(text(['0', '1', '5', '9', ' ', 'a', '-', '\u0661'], 6), (rest) => {
        assert.equal(looksLikeRfc5424(rest), /^[1-9]\d{0,2} /.test(rest.slice(0, 4)), JSON.stringify(rest));
      }),
      { numRuns: 5000, seed: 5424 },
    );
  });

  it('validTimestamp gives the same answer cached as fresh, across cache clears', () => {
    const stamp = fc.tuple(
      fc.integer({ min: 1999, max: 2031 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 24 }), fc.constantFrom('Z', '+01:00', '-23:59', '+24:00', '+05:60', ''), fc.constantFrom('', '.5', '.123456789', '.1234567890'),
    ).map(([y, mo, d, h, off, frac]) => `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:30:59${frac}${off}`);
    fc.assert(
      fc.property(fc.array(stamp, { minLength: 600, maxLength: 700 }), (stamps) => {
        const first = stamps.map(validTimestamp);
        assert.deepEqual(stamps.map(validTimestamp), first);
        assert.deepEqual([...stamps].reverse().map(validTimestamp), [...first].reverse());
      }),
      { numRuns: 20, seed: 3339 },
    );
    assert.equal(validTimestamp('2024-02-29T00:00:00Z'), true);
    assert.equal(validTimestamp('2026-02-29T00:00:00Z'), false);
    assert.equal(validTimestamp('2026-02-29T00:00:00Z'), false);
  });

  it('splitPipeHeader splits as the character-by-character reference', () => {
    fc.assert(
      fc.property(
        text(['a', 'b', '|', '\\', ' ', '=', '\u00e9', '\ud83d\ude00']),
        fc.nat(5),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom('|\\', '|'),
        fc.boolean(),
        (t, start, count, escaped, lastMayEnd) => {
          assert.deepEqual(splitPipeHeader(t, start, count, escaped, lastMayEnd), splitReference(t, start, count, escaped, lastMayEnd));
        },
      ),
      { numRuns: 5000, seed: 7 },
    );
  });

  it('takes exactly the characters of [A-Za-z0-9_.[\\]-] as CEF key characters', () => {
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      const keyChar = /[A-Za-z0-9_.[\]-]/.test(ch);
      assert.deepEqual(parseCefExtension(`${ch}=v`), keyChar ? [[ch, 'v']] : [], `U+${c.toString(16)}`);
    }
  });
});
