/**
 * escapeControls checks for controls by character code before its regex replace: over
 * arbitrary text (controls, C1, line separators, astral characters) it returns the text
 * itself exactly when the regex finds nothing, and leaves no control behind otherwise.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { escapeControls, hasControls } from '../../../src/core/text.js';

const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;
const reference = (t: string) => t.replace(CONTROL, (c) => {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
});

describe('escapeControls', () => {
  it('answers as the plain regex replace on every code unit and on mixed text', () => {
    for (let c = 0; c <= 0xffff; c++) {
      const t = `a${String.fromCharCode(c)}b`;
      assert.equal(escapeControls(t), reference(t), `U+${c.toString(16)}`);
    }
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.array(fc.constantFrom('a', '\t', '\n', '\u0085', '\u2028', '\u007f', '\u00a0', '😀'), { maxLength: 20 }).map((a) => a.join(''))), (t) => {
        const out = escapeControls(t);
        assert.equal(out, reference(t));
        assert.equal(hasControls(out), false);
        if (!hasControls(t)) assert.equal(out, t);
      }),
      { numRuns: 3000, seed: 1 },
    );
  });
});
