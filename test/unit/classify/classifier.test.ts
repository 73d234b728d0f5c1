/**
 * Rule matching and actions of the v1 classifier: conditions, first match wins, named groups
 * as fields, templates for title/key/fields, and the `other` fallback.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createClassifier } from '../../../src/classify/classifier.js';
import { compileRules } from '../../../src/classify/compile.js';
import { rule as ruleSchema } from '../../../src/config/schema/rules.js';
import type { GatewayEvent } from '../../../src/core/event.js';
import { syslogEvent } from '../../../src/listeners/syslog/normalize.js';

function classifierFor(rules: unknown[]) {
  const sources = rules.map((r, index) => ({ file: 'test.yaml', index, rule: ruleSchema.parse(r) }));
  const compiled = compileRules(sources);
  assert.deepEqual(compiled.problems, []);
  return createClassifier(compiled.rules);
}

function event(line: string, peer = '10.0.0.5'): GatewayEvent {
  return syslogEvent(Buffer.from(line), { id: 'e1', now: Date.UTC(2026, 10, 22), listener: 'udp', peer: { address: peer, port: 514, transport: 'udp' } })!.event;
}

describe('classifier', () => {
  const classify = classifierFor([
    { id: 'virus', match: { app_name: ['avscan', 'AVGuard'], message: { regex: 'virus (?<VirusName>\\S+) in (?<InfectedObject>\\S+)', ignore_case: true } }, category: 'virus', severity: 'critical', title: '%VirusName% on %ComputerName%', key: '%ComputerName%|%VirusName%', fields: { Product: 'Test AV %VirusName%' } },
    { id: 'kern-err', match: { facility: 'kern', severity: '>=err' }, category: 'system-status' },
    { id: 'contains', match: { message: { contains: 'SMART PROTECTION', ignore_case: true }, host: { regex: '^pc-\\d+$', ignore_case: true } }, category: 'smart-protection', state: 'problem' },
    { id: 'only-host', match: { host: 'fw01' }, category: 'system-status', severity: 'info' },
  ]);

  it('extracts named groups and renders title, key and field templates', () => {
    const c = classify(event('<12>Nov 22 10:00:00 fs01 avscan[1]: Virus EICAR in /tmp/x'));
    assert.equal(c.ruleId, 'virus');
    assert.equal(c.category, 'virus');
    assert.equal(c.severity, 'critical');
    assert.equal(c.title, 'EICAR on fs01');
    assert.equal(c.key, 'fs01|EICAR');
    assert.deepEqual(c.fields, { ComputerName: 'fs01', TimeStamp: new Date(2026, 10, 22, 10).toISOString(), ProgramName: 'avscan', VirusName: 'EICAR', InfectedObject: '/tmp/x', Product: 'Test AV EICAR' });
  });

  it('app names match case-insensitively; other apps do not match', () => {
    assert.equal(classify(event('<12>Nov 22 10:00:00 fs01 avguard: virus X in Y')).ruleId, 'virus');
    assert.equal(classify(event('<12>Nov 22 10:00:00 fs01 other: virus X in Y')).ruleId, null);
  });

  it('facility and syslog severity thresholds', () => {
    assert.equal(classify(event('<3>Nov 22 10:00:00 h kernel: oops')).ruleId, 'kern-err'); // kern.err
    assert.equal(classify(event('<0>Nov 22 10:00:00 h kernel: panic')).ruleId, 'kern-err'); // kern.emerg
    assert.equal(classify(event('<4>Nov 22 10:00:00 h kernel: warn')).ruleId, null); // kern.warning
    assert.equal(classify(event('<11>Nov 22 10:00:00 h kernel: user.err')).ruleId, null);
  });

  it('contains, host regex and the default severity from syslog', () => {
    const c = classify(event('<12>Nov 22 10:00:00 PC-17 tmlisten: smart protection server down'));
    assert.equal(c.ruleId, 'contains');
    assert.equal(c.severity, 'warning'); // syslog warning
    assert.equal(c.state, 'problem');
    assert.equal(c.key, 'contains|PC-17');
    assert.equal(classify(event('<12>Nov 22 10:00:00 server tmlisten: smart protection server down')).ruleId, null);
  });

  it('a host condition sees the peer address when the message names no host', () => {
    const byPeer = classifierFor([{ id: 'p', match: { host: '192.0.2.7' }, category: 'other' }]);
    assert.equal(byPeer(event('<13>no header at all', '192.0.2.7')).ruleId, 'p');
  });

  it('first match wins', () => {
    const c = classify(event('<12>Nov 22 10:00:00 fw01 avscan: virus A in B'));
    assert.equal(c.ruleId, 'virus');
    assert.equal(classify(event('<14>Nov 22 10:00:00 fw01 sshd: hello')).ruleId, 'only-host');
  });

  it('no match is category other, severity from syslog, control characters made visible in the title', () => {
    const c = classify(event('<10>Nov 22 10:00:00 h app: line\u001b[31m red'));
    assert.equal(c.ruleId, null);
    assert.equal(c.category, 'other');
    assert.equal(c.severity, 'critical'); // crit
    assert.equal(c.title, 'line\\x1b[31m red');
    assert.equal(c.key, 'other|h');
  });
});

describe('rule compile problems', () => {
  it('reports a bad regex and an unknown keyword with their paths', () => {
    const sources = [
      { file: 'r.yaml', index: 0, rule: ruleSchema.parse({ id: 'a', match: { message: '(' }, category: 'x' }) },
      { file: 'r.yaml', index: 1, rule: ruleSchema.parse({ id: 'b', match: { message: '(?<Name>x)' }, category: 'x', title: '%Name% %Nope%' }) },
      { file: 'r.yaml', index: 2, rule: ruleSchema.parse({ id: 'c', match: { severity: 'loud' }, category: 'x' }) },
    ];
    const { problems } = compileRules(sources);
    assert.deepEqual(problems.map((p) => [p.path.join('.'), p.message.split(':').slice(0, 2).join(':')]), [
      ['rules.0.match.message', 'rule a: invalid regex'],
      ['rules.2.match.severity', 'rule c: invalid syslog severity "loud"'],
      ['rules.1.title', 'rule b: unknown keyword %Nope%'],
    ]);
  });
});
