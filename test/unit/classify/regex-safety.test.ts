import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createCachedChecker } from '../../../src/app/regex-check.js';
import { createRegexGate } from '../../../src/classify/regex-safety.js';
import { nestedQuantifier, requiredLiterals } from '../../../src/classify/regex-syntax.js';
import { compileYaml } from '../../helpers/rules.js';

describe('regex syntax: required literals', () => {
  const cases: [string, boolean, string[]][] = [
    ['Virus found: (?<V>\\S+) in (?<O>\\S+)', false, ['Virus found: ', ' in ']],
    ['Virus found', true, ['virus found']],
    ['^CEF:\\d+\\|Trend Micro\\|Apex', false, ['|Trend Micro|Apex', 'CEF:']],
    ['a|b', false, []],
    ['(?:virus|malware) found', false, [' found']],
    ['colou?r', false, ['colo']],
    ['ab+c', false, ['ab']],
    ['x(?:abc)y', false, ['xabcy']],
    ['x(?:abc)?y', false, []],
    ['\\[(?<V>[^\\]]+)\\] <<< ', false, ['] <<< ']],
    ['<ThreatName>(?<V>[^<]*)</ThreatName>', false, ['</ThreatName>', '<ThreatName>']],
    ['\\bfoo\\b', false, ['foo']],
  ];
  for (const [src, ci, want] of cases) {
    it(`${src} → ${JSON.stringify(want)}`, () => assert.deepEqual(requiredLiterals(src, ci), want));
  }
});

describe('regex safety gate', () => {
  const shape: [string, boolean][] = [
    ['(a+)+$', true],
    ['(\\w+\\s?)*$', true],
    ['(.*a){25}', true],
    ['(?:x|(?:ab*)+)c', true],
    ['(a|b)+', false],
    ['(?:[\\w-]+(?: [\\w-]+)?)', false],
    ['\\S+ in \\S+', false],
  ];
  for (const [src, nested] of shape) {
    it(`shape check: ${src} → ${nested ? 'rejected' : 'fine'}`, () => assert.equal(nestedQuantifier(src) !== undefined, nested));
  }

  it('rejects an over-long pattern without analysing it', () => {
    const gate = createRegexGate(() => assert.fail('must not be analysed'));
    assert.match(gate('a'.repeat(10_000), '') ?? '', /10000 characters long/);
  });

  it('rejects what the analyser calls vulnerable, accepts safe and timed-out ones', () => {
    const gate = createRegexGate((s) => (s === 'slow' ? { status: 'vulnerable', complexity: 'polynomial, degree 2', attack: 'aaaa' } : s === 'tmo' ? { status: 'unknown', reason: 'timeout' } : { status: 'safe' }));
    assert.match(gate('slow', '') ?? '', /catastrophically \(polynomial, degree 2, e\.g\. on "aaaa"\)/);
    assert.equal(gate('tmo', ''), undefined);
    assert.equal(gate('fine', ''), undefined);
  });

  it('a rejected pattern is a problem at its rule path, without follow-on keyword errors', () => {
    const { problems } = compileYaml(`
rules:
  - id: bad
    category: virus
    match: { message: '(?<V>a+)+$' }
    title: "%V%"
`);
    assert.equal(problems.length, 1);
    assert.deepEqual(problems[0]!.path, ['rules', 0, 'match', 'message']);
    assert.match(problems[0]!.message, /nested quantifier/);
  });

  it('recheck finds an exponential pattern the shape check misses, and the verdict is cached', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eventgate-rc-'));
    try {
      const cacheFile = join(dir, 'cache.json');
      const checker = createCachedChecker({ cacheFile, seedFile: join(dir, 'none.json') });
      const gate = createRegexGate(checker.check);
      assert.match(gate('^(?:a|a)*$', '') ?? '', /exponential/);
      assert.equal(gate('^abc$', ''), undefined);
      checker.save();
      const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, { status: string }>;
      assert.deepEqual(Object.values(cached).map((v) => v.status).sort(), ['safe', 'vulnerable']);
      const again = createCachedChecker({ cacheFile, seedFile: join(dir, 'none.json') });
      assert.equal(again.check('^(?:a|a)*$', '')?.status, 'vulnerable', 'read back from the cache');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
