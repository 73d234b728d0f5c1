import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_KEYWORDS, compileTemplate, isTemplateError, type Template } from '../../../src/core/template.js';

const known = new Set<string>([...BUILTIN_KEYWORDS, 'Product']);

function compile(text: string): Template {
  const t = compileTemplate(text, known);
  if (isTemplateError(t)) throw new Error(t.message);
  return t;
}

describe('%Keyword% templates', () => {
  const data = { VirusName: 'EICAR', ComputerName: 'PC-1', Severity: 'critical', Product: 'Apex One' };
  const cases: [string, string][] = [
    ['%VirusName% on %ComputerName%', 'EICAR on PC-1'],
    ['100%% sure: %VirusName%', '100% sure: EICAR'],
    ['%%VirusName%%', '%VirusName%'],
    ['%%%VirusName%%%', '%EICAR%'],
    ['no placeholders', 'no placeholders'],
    ['', ''],
    ['[%Severity%] %Product%', '[critical] Apex One'],
    ['%InfectedObject%', ''],
  ];
  for (const [text, want] of cases) {
    it(`renders ${JSON.stringify(text)}`, () => assert.equal(compile(text).render(data), want));
  }

  it('lists the keywords it uses', () => {
    assert.deepEqual(compile('%Host% %Host% %VirusName%').keywords, ['Host', 'Host', 'VirusName']);
  });

  const errors: [string, RegExp, number][] = [
    ['%Virusname%', /unknown keyword %Virusname%/, 0],
    ['ok then %Foo%', /unknown keyword %Foo%/, 8],
    ['50% done', /stray "%".*%%/, 2],
    ['%VirusName', /stray "%"/, 0],
    ['%Bad Name%', /stray "%"/, 0],
  ];
  for (const [text, re, offset] of errors) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      const t = compileTemplate(text, known);
      assert.ok(isTemplateError(t));
      assert.match(t.message, re);
      assert.equal(t.offset, offset);
    });
  }

  it('values are inserted verbatim, never re-expanded', () => {
    assert.equal(compile('%VirusName%').render({ VirusName: '%ComputerName% %%' }), '%ComputerName% %%');
  });
});
