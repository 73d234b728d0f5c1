/**
 * `any` and `not` copy or set aside the named groups only around children that can write
 * them. The explanation path (`classify.explain`) still copies around every child, so it is
 * the reference: over random condition trees and events, both give the same rule and fields.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { classifierFor, syslogTestEvent as ev } from '../../helpers/rules.js';

// Leaves with and without named groups; `a+`/`b` regexes may match or fail on the messages below.
const leaf = fc.constantFrom(
  `{ message: '(?<A>a+)' }`,
  `{ message: '(?<B>b)x' }`,
  `{ message: 'c' }`,
  `{ message: { contains: x } }`,
  `{ host: h1 }`,
  `{ host: { regex: '^(?<H>h\\d)$' } }`,
  `{ host: { prefix: h } }`,
);
const tree: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((cs) => `{ any: [${cs.join(', ')}] }`),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((cs) => `{ all: [${cs.join(', ')}] }`),
    tie('node').map((c) => `{ not: ${c} }`),
  ),
})).node;

describe('named groups around any/not (fast path vs explain path)', () => {
  it('gives the same rule and fields as the always-copying explanation', () => {
    fc.assert(
      fc.property(
        fc.array(tree, { minLength: 1, maxLength: 3 }),
        fc.array(fc.constantFrom('a', 'b', 'x', 'c', ' '), { maxLength: 8 }).map((a) => a.join('')),
        fc.constantFrom('h1', 'h2', 'z'),
        (matches, message, host) => {
          const rules = matches.map((m, i) => `  - { id: r${i}, category: virus, continue: ${i % 2 === 0}, match: ${m} }`).join('\n');
          const c = classifierFor(`rules:\n${rules}\n`);
          const event = ev({ message, host });
          const fast = c(event);
          const slow = c.explain(event).classification;
          assert.equal(fast.ruleId, slow.ruleId);
          assert.deepEqual(Object.entries(fast.fields), Object.entries(slow.fields));
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });

  it('keeps groups taken before an any whose matching branch writes none, and before a group-free not', () => {
    const c = classifierFor(`
rules:
  - id: r
    category: virus
    match:
      message: '(?<First>\\w+) '
      all:
        - any:
            - { message: '(?<A>a+)q' }
            - { host: h1 }
        - not: { host: h2 }
`);
    const r = c(ev({ message: 'word aa', host: 'h1' }));
    assert.equal(r.ruleId, 'r');
    assert.equal(r.fields.First, 'word');
    assert.equal(r.fields.A, undefined);
  });
});
