/**
 * The config loader: every problem reported at once with file, line, column and key;
 * YAML hazards (duplicate keys, alias bombs, merge keys, __proto__) rejected or harmless;
 * secrets resolved and never printed (TEST-PLAN B8).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { compilePlan } from '../../../src/app/compile.js';
import { DES_UNAVAILABLE, desAvailable } from '../../../src/core/ciphers.js';
import { loadPlan } from '../../../src/cli/load-plan.js';
import { loadConfig, type LoadResult } from '../../../src/config/load.js';
import { formatIssue } from '../../../src/config/source-map.js';
import { tempDir } from '../../helpers/temp.js';

function load(t: { after(fn: () => void): void }, yaml: string, files: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}): { result: LoadResult; file: string; lines: string[] } {
  const dir = tempDir(t);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const file = join(dir, 'eventgate.yaml');
  writeFileSync(file, yaml);
  const loaded = loadConfig(file, env);
  const planned = loadPlan(file, env);
  const result: LoadResult = planned.ok && loaded.ok ? loaded : { ok: false, issues: planned.ok ? [] : planned.issues };
  const lines = result.ok ? [] : result.issues.map(formatIssue).map((l) => l.replace(dir + '/', ''));
  return { result, file, lines };
}

const GOOD_RULES = `rules:
  - id: virus
    match: { message: 'Virus (?<VirusName>\\S+) found' }
    category: virus
`;

describe('config errors name file, line, column and key', () => {
  it('reports an unknown key, a wrong type and an unknown keyword together', (t) => {
    const { lines } = load(t, `listeners:
  syslog:
    - { protocol: udp, port: "514" }
channels:
  hook:
    type: exec
    command: /bin/true
    args: ["%Virusname%"]
    colour: red
routes:
  - { match: { category: virus }, channels: [hook] }
`);
    assert.deepEqual(lines, [
      'eventgate.yaml:3:30 listeners.syslog[0].port: Invalid input: expected number, received string',
      'eventgate.yaml:9:5 channels.hook.colour: unknown key "colour"',
    ]);
  });

  it('reports template and reference problems once the schema passes', (t) => {
    const { lines } = load(t, `rules: [rules.yaml]
channels:
  hook:
    type: exec
    command: /bin/true
    args: ["--virus", "%Virusname%", "50% done"]
routes:
  - { match: { category: [virus, nosuch] }, channels: [hook, missing] }
`, { 'rules.yaml': GOOD_RULES });
    assert.deepEqual(lines, [
      'eventgate.yaml:6:23 channels.hook.args[1]: unknown keyword %Virusname%',
      'eventgate.yaml:6:38 channels.hook.args[2]: stray "%" at offset 2: write %% for a literal percent sign',
      'eventgate.yaml:8:34 routes[0].match.category[1]: unknown category "nosuch"',
      'eventgate.yaml:8:62 routes[0].channels[1]: unknown channel "missing"',
    ]);
  });

  it('accepts a keyword that some rule extracts', (t) => {
    const { result } = load(t, `rules: [rules.yaml]
channels:
  log: { type: log, template: "%VirusName% on %ComputerName% (100%%)" }
`, { 'rules.yaml': GOOD_RULES });
    assert.equal(result.ok, true);
  });

  it('positions rule-file problems in the rule file', (t) => {
    const { lines } = load(t, `rules: ["rules/*.yaml"]\n`, {
      'rules/a.yaml': `rules:
  - id: one
    match: { message: '(unclosed' }
    category: virus
  - id: two
    match: { message: x }
    category: nonsense
    title: "%Nope%"
`,
      'rules/b.yaml': `rules:
  - id: one
    match: {}
    category: other
    severity: urgent
`,
    });
    assert.deepEqual(lines, [
      'rules/a.yaml:3:23 rules[0].match.message: rule one: invalid regex: Invalid regular expression: /(unclosed/: Unterminated group',
      'rules/a.yaml:7:15 rules[1].category: unknown category "nonsense"; add it under categories:',
      'rules/b.yaml:5:15 rules[0].severity: Invalid option: expected one of "debug"|"info"|"warning"|"error"|"critical"',
    ]);
  });

  it('reports duplicate rule ids and pattern matching no file', (t) => {
    const { lines } = load(t, `rules: [a.yaml, "missing/*.yaml"]\n`, {
      'a.yaml': `rules:\n  - { id: x, match: {}, category: other }\n  - { id: x, match: {}, category: other }\n`,
    });
    assert.equal(lines.length, 2);
    assert.equal(lines[0], 'a.yaml:3:11 rules[1].id: duplicate rule id "x" (first defined in a.yaml)');
    assert.match(lines[1]!, /^eventgate\.yaml:1:17 rules\[1\]: no rule file matches "missing\/\*\.yaml"/);
  });

  it('rejects invalid durations and sizes with a hint', (t) => {
    const { lines } = load(t, `listeners:
  syslog:
    - { protocol: udp, port: 1, receive_buffer_size: 4 megs }
channels:
  h: { type: exec, command: /bin/true, timeout: 10 }
`);
    assert.deepEqual(lines, [
      'eventgate.yaml:3:54 listeners.syslog[0].receive_buffer_size: invalid size "4 megs": use e.g. 65536, 64KiB or 4MiB',
      'eventgate.yaml:5:49 channels.h.timeout: invalid duration 10: use a number with a unit, e.g. 30s, 10m, 2h',
    ]);
  });

  it('refuses DES privacy, in and out, where OpenSSL cannot do it (Node without its legacy provider)', (t) => {
    const { lines } = load(t, `listeners:
  snmp:
    - users:
        - { name: old, auth: { protocol: md5, key: { env: K } }, priv: { protocol: des, key: { env: K } } }
channels:
  noc:
    type: snmp
    targets:
      - { host: 127.0.0.1, version: 3, inform: true, user: { name: old, auth: { protocol: md5, key: { env: K } }, priv: { protocol: des, key: { env: K } } } }
`, {}, { K: 'passphrase1' });
    if (desAvailable()) return void assert.deepEqual(lines, []);
    assert.deepEqual(lines, [
      `eventgate.yaml:4:84 listeners.snmp[0].users[0].priv.protocol: ${DES_UNAVAILABLE}`,
      `eventgate.yaml:9:133 channels.noc.targets[0].user.priv.protocol: ${DES_UNAVAILABLE}`,
    ]);
  });
});

describe('YAML hazards', () => {
  const hazards: [string, string, RegExp][] = [
    ['duplicate key', 'log: { level: info }\nlog: { level: debug }\n', /^eventgate\.yaml:2:1 \(yaml\): Map keys must be unique/],
    ['tab indentation', 'listeners:\n\tsyslog: []\n', /^eventgate\.yaml:2:1 \(yaml\): .*[Tt]ab/],
    ['unterminated quote', 'log:\n  level: "info\nrules: []\n', /^eventgate\.yaml:\d+:\d+ \(yaml\): .*(quote|Missing closing)/],
    ['alias bomb', 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n', /alias|Excessive/i],
  ];
  for (const [name, yaml, re] of hazards) {
    it(`rejects ${name}`, (t) => {
      const { result, lines } = load(t, yaml);
      assert.equal(result.ok, false);
      assert.match(lines[0]!, re);
    });
  }

  it('a << merge key and __proto__ are unknown keys, and pollute nothing', (t) => {
    const { lines } = load(t, `base: &b { __proto__: { polluted: yes } }\nlog:\n  <<: *b\n  level: info\n`);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.ok(lines.some((l) => /unknown key "base"/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /unknown key "<<"/.test(l)), lines.join('\n'));
  });
});

describe('secrets', () => {
  const yaml = `channels:
  h:
    type: exec
    command: /bin/true
    env:
      TOKEN: { env: EG_TEST_TOKEN }
      FROM_FILE: { file: token.txt }
`;
  it('resolves env and file references, relative to the config file', (t) => {
    const { result } = load(t, yaml, { 'token.txt': 'file-secret\n' }, { EG_TEST_TOKEN: 'env-secret' });
    assert.ok(result.ok);
    const env = (result.loaded.config.channels.h as { env: Record<string, { secret: { reveal(): string } }> }).env;
    assert.equal(env.TOKEN!.secret.reveal(), 'env-secret');
    assert.equal(env.FROM_FILE!.secret.reveal(), 'file-secret');
    const printed = JSON.stringify(result.loaded.config) + inspect(result.loaded.config, { depth: 10 });
    assert.doesNotMatch(printed, /env-secret|file-secret/);
  });

  it('reports a missing variable and an unreadable file at their positions', (t) => {
    const { lines } = load(t, yaml);
    assert.deepEqual(lines.map((l) => l.replace(/\/\S+token\.txt/, 'token.txt')), [
      'eventgate.yaml:6:14 channels.h.env.TOKEN: environment variable EG_TEST_TOKEN is not set',
      'eventgate.yaml:7:18 channels.h.env.FROM_FILE: cannot read secret file token.txt: ENOENT',
    ]);
  });
});

it('the shipped default config loads and compiles', () => {
  const result = loadConfig(join(import.meta.dirname, '../../../config/eventgate.yaml'), {});
  assert.ok(result.ok, result.ok ? '' : result.issues.map(formatIssue).join('\n'));
  assert.ok(compilePlan(result.loaded).ok);
  assert.ok(Object.isFrozen(result.loaded.config.channels));
});
