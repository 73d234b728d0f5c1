/**
 * `eventgate check` and `eventgate classify` on rule packs: every shipped example passes;
 * catastrophic-backtracking patterns (TEST-PLAN B7) are rejected within 10 s naming file,
 * line and rule id; a failing example names its rule; classify explains its answer for a
 * syslog line and a trap description.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, runCli } from '../helpers/gateway-process.js';
import { tempDir } from '../helpers/temp.js';

const SHIPPED = join(ROOT, 'config/eventgate.yaml');

function configWithRules(dir: string, rulesYaml: string): string {
  mkdirSync(join(dir, 'rules'), { recursive: true });
  writeFileSync(join(dir, 'rules', 'bad.yaml'), rulesYaml);
  const config = join(dir, 'eventgate.yaml');
  writeFileSync(config, 'rules: [rules/*.yaml]\n');
  return config;
}

describe('eventgate check on rule packs', () => {
  it('passes on the shipped config with every pack example', async (t) => {
    const dir = tempDir(t);
    const r = await runCli(['check', '--config', SHIPPED], { env: { EVENTGATE_REGEX_CACHE: join(dir, 'c.json') }, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    const m = /(\d+) rule\(s\), (\d+) example\(s\) passed/.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.ok(Number(m[1]) >= 50 && Number(m[2]) >= 60, r.stdout);
  });

  it('rejects ReDoS patterns within 10 s naming file, line and rule (B7)', async (t) => {
    const dir = tempDir(t);
    const config = configWithRules(dir, `rules:
  - id: nested-plus
    category: virus
    match: { message: '(a+)+$' }
  - id: word-space-star
    category: virus
    match: { message: '(\\w+\\s?)*$' }
  - id: dot-star-25
    category: virus
    match:
      message:
        regex: '(.*a){25}'
  - id: huge
    category: virus
    match: { host: { regex: '${'a'.repeat(10_000)}' } }
`);
    const started = Date.now();
    const r = await runCli(['check', '--config', config], { env: { EVENTGATE_REGEX_CACHE: join(dir, 'c.json') }, timeoutMs: 20_000 });
    const elapsed = Date.now() - started;
    assert.equal(r.code, 1);
    assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
    const file = join(dir, 'rules', 'bad.yaml');
    const expect: [number, string][] = [[4, 'nested-plus'], [7, 'word-space-star'], [12, 'dot-star-25'], [15, 'huge']];
    for (const [line, id] of expect) {
      assert.match(r.stderr, new RegExp(`${file.replace(/[.]/g, '\\.')}:${line}:\\d+ rules\\[\\d\\]\\.match\\.\\S+: rule ${id}: regex `), `${id} at line ${line}:\n${r.stderr}`);
    }
  });

  it('names the rule and the mismatch when an example no longer classifies as written', async (t) => {
    const dir = tempDir(t);
    const config = configWithRules(dir, `rules:
  - id: my-rule
    category: virus
    severity: warning
    match: { message: 'Virus (?<VirusName>\\S+)' }
    examples:
      - input: "<12>Nov 22 10:15:02 h app: Virus EICAR"
        expect: { severity: critical, fields: { VirusName: EICAR } }
      - trap: { oid: 1.3.6.1.4.1.9.9.1, varbinds: [{ oid: 1.3.6.1.4.1.9.9.1.1, value: "Virus X" }] }
        expect: { category: virus, fields: { VirusName: X } }
`);
    const r = await runCli(['check', '--config', config], { env: { EVENTGATE_REGEX_CACHE: join(dir, 'c.json') }, timeoutMs: 20_000 });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad\.yaml:7:\d+ rules\[0\]\.examples\[0\]: rule my-rule: example 1: severity is warning, expected critical/);
    assert.doesNotMatch(r.stderr, /example 2/, 'the trap example passes');
    assert.match(r.stderr, /1 of 2 rule example check\(s\) failed/);
  });
});

describe('eventgate classify explains', () => {
  it('a syslog line and a trap description: the rule, its conditions and the rules tried', async (t) => {
    const dir = tempDir(t);
    const input = [
      '<12>Nov 22 10:15:02 fs02 avguard.bin[4711]: ALERT: [Eicar-Test-Signature] /home/bob/eicar.com <<< Contains code',
      JSON.stringify({ trap: { oid: '1.3.6.1.6.3.1.1.5.3', varbinds: [{ oid: '1.3.6.1.2.1.2.2.1.2.3', value: 'Gi0/3' }] }, host: 'sw1' }),
    ].join('\n') + '\n';
    const r = await runCli(['classify', '--config', SHIPPED], { input, env: { EVENTGATE_REGEX_CACHE: join(dir, 'c.json') }, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    const [a, b] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(a.rule, 'avira-alert');
    assert.equal(a.fields.VirusName, 'Eicar-Test-Signature');
    assert.equal(a.why.matched[0].rule, 'avira-alert');
    assert.match(a.why.matched[0].file, /70-avira\.yaml$/);
    const conds = a.why.matched[0].conditions.children.map((c: { condition: string; ok: boolean }) => [c.condition.split(' ')[0], c.ok]);
    assert.deepEqual(conds, [['app_name', true], ['message', true]]);
    assert.ok(a.why.not_candidates > 0, 'the index left rules out');
    assert.equal(b.event.kind, 'trap');
    assert.equal(b.rule, 'generic-trap-link-down');
    assert.equal(b.key, 'link|sw1|Gi0/3');
    assert.ok(b.why.tried.every((x: { rule: string }) => !x.rule.startsWith('avira')), 'syslog-only rules are not tried for a trap');
  });
});
