import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifierFor, syslogTestEvent as ev, trapTestEvent as trap } from '../../helpers/rules.js';

describe('actions', () => {
  it('category, fixed severity, title, key and state', () => {
    const c = classifierFor(`
rules:
  - id: r
    match: { message: 'Virus (?<VirusName>\\S+) in (?<InfectedObject>\\S+)' }
    category: virus
    severity: critical
    title: "%VirusName% in %InfectedObject% on %ComputerName%"
    key: "v|%ComputerName%|%VirusName%"
    state: problem
`);
    const r = c(ev({ message: 'Virus EICAR in /x', host: 'pc1' }));
    assert.deepEqual(
      { category: r.category, severity: r.severity, title: r.title, key: r.key, state: r.state },
      { category: 'virus', severity: 'critical', title: 'EICAR in /x on pc1', key: 'v|pc1|EICAR', state: 'problem' },
    );
  });

  it('defaults: severity from syslog, title = message, key = rule and host, state event', () => {
    const r = classifierFor('rules: [{ id: r, category: update }]')(ev({ message: 'hello', severity: 3, host: 'h' }));
    assert.deepEqual({ s: r.severity, t: r.title, k: r.key, st: r.state }, { s: 'error', t: 'hello', k: 'r|h', st: 'event' });
  });

  const severityCases: [string, string | undefined, string][] = [
    ['3', undefined, 'warning'],
    ['7', undefined, 'critical'],
    ['10', undefined, 'critical'],
    ['High', undefined, 'error'],
    ['high', undefined, 'error'],
    ['unknown', undefined, 'info'],
    [' 2 ', undefined, 'warning'],
  ];
  for (const [value, , want] of severityCases) {
    it(`severity mapped from a payload field: ${JSON.stringify(value)} → ${want}`, () => {
      const c = classifierFor(`
rules:
  - id: r
    category: virus
    severity: { from: payload.fields.sev, map: { "0-3": warning, "4-10": critical, High: error }, default: info }
`);
      assert.equal(c(ev({ payload: { format: 'cef', fields: { sev: value } } })).severity, want);
    });
  }

  it('severity map without a default falls back to the syslog mapping', () => {
    const c = classifierFor('rules: [{ id: r, category: virus, severity: { from: field.X, map: { a: critical } } }]');
    assert.equal(c(ev({ severity: 4 })).severity, 'warning');
  });

  it('fields: set (template), copy with fallbacks, map and default, rename', () => {
    const c = classifierFor(`
rules:
  - id: r
    category: virus
    match: { message: 'user=(?<usr>\\w+)' }
    fields:
      Product: "Acme AV on %ComputerName%"
      ComputerName: { copy: [payload.fields.dhost, sd.origin.ip, host] }
      Action: { copy: payload.fields.act, map: { "1": quarantined, "2": deleted }, default: unknown }
      Missing: { copy: payload.fields.nothing, default: none }
      User: { rename: usr }
      Sd: { copy: sd.origin.ip }
      App: { copy: app_name }
`);
    const r = c(ev({ message: 'user=bob', host: 'h1', appName: 'acme', structuredData: { origin: { ip: '10.0.0.1' } }, payload: { format: 'kv', fields: { act: '2' } } }));
    assert.equal(r.fields.Product, 'Acme AV on h1', 'template sees the fields set so far');
    assert.equal(r.fields.ComputerName, '10.0.0.1');
    assert.equal(r.fields.Action, 'deleted');
    assert.equal(r.fields.Missing, 'none');
    assert.equal(r.fields.User, 'bob');
    assert.equal(r.fields.usr, undefined, 'rename removes the source');
    assert.equal(r.fields.Sd, '10.0.0.1');
    assert.equal(r.fields.App, 'acme');
  });

  it('fields copied from varbinds (by name or OID) and trap OID', () => {
    const c = classifierFor(`
rules:
  - id: r
    category: system-status
    match: { trap: { oid_prefix: 1.3.6.1.6.3.1.1.5 } }
    fields:
      If: { copy: [varbind.ifDescr, varbind.1.3.6.1.2.1.2.2.1.2] }
      Idx: { copy: varbind.IF-MIB::ifIndex }
      Oid: { copy: trap.oid }
`);
    const r = c(trap('1.3.6.1.6.3.1.1.5.3', [{ oid: '1.3.6.1.2.1.2.2.1.1.3', name: 'IF-MIB::ifIndex', value: '3' }, { oid: '1.3.6.1.2.1.2.2.1.2.3', value: 'Gi0/3' }]));
    assert.deepEqual([r.fields.If, r.fields.Idx, r.fields.Oid], ['Gi0/3', '3', '1.3.6.1.6.3.1.1.5.3']);
  });

  it('continue merges fields and lets a later rule decide; the later rule wins on conflicts', () => {
    const c = classifierFor(`
rules:
  - id: tag
    match: { app_name: acme }
    continue: true
    fields: { Product: Acme, Scanner: generic }
  - id: virus
    match: { message: 'virus (?<VirusName>\\S+)' }
    category: virus
    fields: { Scanner: on-access }
`);
    const r = c(ev({ appName: 'acme', message: 'virus X' }));
    assert.deepEqual([r.ruleId, r.category, r.fields.Product, r.fields.Scanner, r.fields.VirusName], ['virus', 'virus', 'Acme', 'on-access', 'X']);
    const other = c(ev({ appName: 'acme', message: 'hello' }));
    assert.deepEqual([other.ruleId, other.category, other.fields.Product], [null, 'other', 'Acme'], 'only continue rules matched: other, fields kept');
  });

  it('a continue rule with a category decides when nothing later matches', () => {
    const c = classifierFor(`
rules:
  - { id: a, match: { app_name: acme }, continue: true, category: system-status, severity: warning }
  - { id: b, match: { message: { contains: zzz } }, category: virus }
`);
    const r = c(ev({ appName: 'acme', message: 'x' }));
    assert.deepEqual([r.ruleId, r.category, r.severity], ['a', 'system-status', 'warning']);
  });

  it('drop ends classification with the event dropped', () => {
    const c = classifierFor(`
rules:
  - { id: hb, match: { message: '^HEARTBEAT$' }, drop: true }
  - { id: all, category: update }
`);
    assert.equal(c(ev({ message: 'HEARTBEAT' })).drop, true);
    assert.equal(c(ev({ message: 'HEARTBEAT x' })).drop, undefined);
    assert.equal(c(ev({ message: 'HEARTBEAT x' })).ruleId, 'all');
  });

  it('first matching rule wins; no match is other', () => {
    const c = classifierFor(`
rules:
  - { id: one, category: virus, match: { message: { contains: a } } }
  - { id: two, category: update, match: { message: { contains: a } } }
`);
    assert.equal(c(ev({ message: 'a' })).ruleId, 'one');
    const none = c(ev({ message: 'b', severity: 2, host: 'h' }));
    assert.deepEqual([none.ruleId, none.category, none.severity, none.key], [null, 'other', 'critical', 'other|h']);
  });

  it('explain names the matching rule and the outcome of each condition', () => {
    const c = classifierFor(`
rules:
  - { id: a, category: virus, match: { message: { contains: zzz } } }
  - { id: b, category: update, match: { host: h, any: [{ app_name: x }, { message: 'up(?<N>\\d)' }] } }
`);
    const e = c.explain(ev({ host: 'h', message: 'up3' }));
    assert.equal(e.classification.ruleId, 'b');
    assert.deepEqual(e.tried.map((t) => [t.rule, t.result]), [['a', 'skipped'], ['b', 'matched']]);
    assert.equal(e.tried[0]!.missing, 'zzz');
    const cond = e.tried[1]!.conditions!;
    assert.equal(cond.ok, true);
    assert.deepEqual(cond.children!.map((ch) => [ch.condition, ch.ok]), [['host = "h"', true], ['any of', true]]);
  });
});
