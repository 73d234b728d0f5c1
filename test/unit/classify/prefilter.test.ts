/**
 * The literal memo's one-pass matcher against `includes`, literal by literal: overlapping
 * literals, literals that are suffixes of others, non-ASCII and astral text, empty literals,
 * ignore-case literals (searched in the lower-cased message, which an ASCII message is read
 * as without making it), and reuse across events.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { literalMemo, type RuleIndex } from '../../../src/classify/prefilter.js';

function indexOf(literals: { text: string; ignoreCase: boolean }[]): RuleIndex {
  return { literals, ruleLiterals: [], candidates: () => [] };
}

const alphabet = fc.constantFrom('a', 'b', 'ab', 'ba', 'A', 'B', ' ', '|', 'é', 'É', 'İ', '😀', 'x');
const piece = fc.array(alphabet, { maxLength: 6 }).map((a) => a.join(''));

describe('prefilter literal memo', () => {
  it('answers as includes does, for every literal, over a run of events', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ text: piece, ignoreCase: fc.boolean() }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.oneof(piece, fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 10 })), { minLength: 1, maxLength: 5 }),
        (raw, messages) => {
          const literals = raw.map((l) => ({ text: l.ignoreCase ? l.text.toLowerCase() : l.text, ignoreCase: l.ignoreCase }));
          const memo = literalMemo(indexOf(literals));
          for (const message of messages) {
            const lower = message.toLowerCase();
            memo.reset(message, () => lower);
            literals.forEach((l, id) => assert.equal(memo.has(id), (l.ignoreCase ? lower : message).includes(l.text), `${JSON.stringify(l)} in ${JSON.stringify(message)}`));
            assert.equal(memo.hasAny(literals.map((_, id) => id)), literals.some((l) => (l.ignoreCase ? lower : message).includes(l.text)));
          }
        },
      ),
      { numRuns: 2000, seed: 10 },
    );
  });

  it('finds a literal that is a suffix of a longer partial match (suffix links)', () => {
    const literals = [{ text: 'abcd', ignoreCase: false }, { text: 'bce', ignoreCase: false }, { text: 'c', ignoreCase: false }];
    const memo = literalMemo(indexOf(literals));
    memo.reset('xabce', () => 'xabce');
    assert.deepEqual([0, 1, 2].map((id) => memo.has(id)), [false, true, true]);
    memo.reset('abcd', () => 'abcd');
    assert.deepEqual([0, 1, 2].map((id) => memo.has(id)), [true, false, true]);
  });

  it('reads an ASCII message folded exactly as its lower-cased form (and falls back at the first non-ASCII character)', () => {
    const word = fc.array(fc.constantFrom('a', 'b', 'A', 'B', 'z', 'Z', '@', '[', '`', '{', ' '), { minLength: 1, maxLength: 4 }).map((a) => a.join(''));
    const odd = fc.constantFrom('é', 'É', 'İ', '\u212a', 'Σ', '😀');
    fc.assert(
      fc.property(
        fc.array(word.map((w) => w.toLowerCase()), { minLength: 1, maxLength: 10 }),
        fc.array(fc.oneof({ weight: 9, arbitrary: word }, { weight: 1, arbitrary: odd }), { maxLength: 30 }).map((a) => a.join('')),
        (texts, message) => {
          const literals = texts.map((text) => ({ text, ignoreCase: true }));
          const memo = literalMemo(indexOf(literals));
          const lower = message.toLowerCase();
          memo.reset(message, () => lower);
          literals.forEach((l, id) => assert.equal(memo.has(id), lower.includes(l.text), `${JSON.stringify(l.text)} in ${JSON.stringify(message)}`));
        },
      ),
      { numRuns: 3000, seed: 11 },
    );
  });
});
