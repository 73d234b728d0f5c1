/**
 * copyFields is a drop-in for `{ ...target, ...source }` on field records: same own keys,
 * values and order, a `__proto__` key kept as a plain key, the prototype untouched.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { copyFields } from '../../../src/core/copy-fields.js';

const key = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'Host', '0', '1'));
const record = fc.array(fc.tuple(key, fc.string({ maxLength: 8 })), { maxLength: 12 }).map((entries) => {
  const r: Record<string, string> = Object.create(null);
  for (const [k, v] of entries) r[k] = v;
  return r;
});

it('gives what a spread gives, for any keys (including __proto__)', () => {
  fc.assert(fc.property(record, record, (a, b) => {
    const spread = { ...a, ...b };
    const copied = copyFields(copyFields<Record<string, string>>({}, a), b);
    assert.deepEqual(Object.entries(copied), Object.entries(spread));
    assert.equal(Object.getPrototypeOf(copied), Object.prototype);
  }), { numRuns: 500 });
});

it('a __proto__ field stays data: it neither sets the prototype nor is lost', () => {
  const source: Record<string, string> = JSON.parse('{"__proto__":"x","VirusName":"EICAR"}');
  const out = copyFields<Record<string, string>>({}, source);
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.keys(out), ['__proto__', 'VirusName']);
  assert.equal(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, 'x');
});
