import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GatewayEvent } from '../../../src/core/event.js';
import { classifierFor, syslogTestEvent as ev, trapTestEvent as trap } from '../../helpers/rules.js';

/** One rule with `match` (YAML flow text); returns whether `event` matches it. */
function matches(match: string, event: GatewayEvent): boolean {
  const c = classifierFor(`rules:\n  - { id: r, category: virus, match: ${match} }\n`);
  return c(event).ruleId === 'r';
}

describe('conditions', () => {
  const cases: [string, string, GatewayEvent, boolean][] = [
    ['kind syslog', '{ kind: syslog }', ev(), true],
    ['kind trap vs syslog', '{ kind: trap }', ev(), false],
    ['kind trap', '{ kind: trap }', trap('1.3.6.1.4.1.1'), true],
    ['listener', '{ listener: [a, udp] }', ev({ listener: 'udp' }), true],
    ['listener other', '{ listener: a }', ev({ listener: 'udp' }), false],
    ['peer v4 CIDR', '{ peer: 10.0.0.0/8 }', ev({ peer: '10.1.2.3' }), true],
    ['peer v4 mapped', '{ peer: 10.0.0.0/8 }', ev({ peer: '::ffff:10.1.2.3' }), true],
    ['peer outside', '{ peer: [10.0.0.0/8, "2001:db8::/32"] }', ev({ peer: '192.0.2.1' }), false],
    ['peer v6', '{ peer: "2001:db8::/32" }', ev({ peer: '2001:db8::7' }), true],
    ['host exact ci', '{ host: FS01 }', ev({ host: 'fs01' }), true],
    ['host list', '{ host: [a, b] }', ev({ host: 'c' }), false],
    ['host regex', '{ host: { regex: "^pc-\\\\d+$" } }', ev({ host: 'pc-42' }), true],
    ['host prefix', '{ host: { prefix: sw- } }', ev({ host: 'sw-core' }), true],
    ['app_name', '{ app_name: imssmgr }', ev({ appName: 'IMSSMGR' }), true],
    ['app_name missing', '{ app_name: imssmgr }', ev(), false],
    ['app_name exists false', '{ app_name: { exists: false } }', ev(), true],
    ['msg_id', '{ msg_id: { prefix: GNRL_EV } }', ev({ msgId: 'GNRL_EV_VIRUS_FOUND' }), true],
    ['facility name', '{ facility: local7 }', ev({ facility: 23 }), true],
    ['facility number', '{ facility: [4, 10] }', ev({ facility: 5 }), false],
    ['severity threshold', '{ severity: ">=warning" }', ev({ severity: 3 }), true],
    ['severity below', '{ severity: ">=warning" }', ev({ severity: 6 }), false],
    ['message regex', '{ message: "Virus (?<V>\\\\S+)" }', ev({ message: 'Virus X found' }), true],
    ['message regex case', '{ message: "virus" }', ev({ message: 'Virus' }), false],
    ['message regex ignore_case', '{ message: { regex: virus, ignore_case: true } }', ev({ message: 'VIRUS' }), true],
    ['message contains', '{ message: { contains: "found" } }', ev({ message: 'virus found' }), true],
    ['message contains ci', '{ message: { contains: FOUND, ignore_case: true } }', ev({ message: 'virus found' }), true],
    ['sd present', '{ sd: { "meta@1": {} } }', ev({ structuredData: { 'meta@1': { a: '1' } } }), true],
    ['sd param', '{ sd: { "event@23668": { et: GNRL_EV_VIRUS_FOUND } } }', ev({ structuredData: { 'event@23668': { et: 'gnrl_ev_virus_found' } } }), true],
    ['sd param missing', '{ sd: { "event@23668": { et: x } } }', ev(), false],
    ['payload format', '{ payload: { format: [cef, leef] } }', ev({ payload: { format: 'leef', fields: {} } }), true],
    ['payload format other', '{ payload: { format: json } }', ev({ payload: { format: 'cef', fields: {} } }), false],
    ['payload field', '{ payload: { fields: { "detection.name": { contains: Eicar } } } }', ev({ payload: { format: 'json', fields: { 'detection.name': 'Win32/Eicar' } } }), true],
    ['payload field numeric', '{ payload: { fields: { sev: { gte: 7, lte: 10 } } } }', ev({ payload: { format: 'cef', fields: { sev: '8' } } }), true],
    ['payload field numeric out', '{ payload: { fields: { sev: { gte: 7 } } } }', ev({ payload: { format: 'cef', fields: { sev: 'high' } } }), false],
    ['payload absent', '{ payload: { fields: { a: { exists: false } } } }', ev(), true],
    ['trap oid number', '{ trap: { oid: 1.3.6.1.6.3.1.1.5.3 } }', trap('1.3.6.1.6.3.1.1.5.3'), true],
    ['trap oid leading dot', '{ trap: { oid: .1.3.6.1.6.3.1.1.5.3 } }', trap('1.3.6.1.6.3.1.1.5.3'), true],
    ['trap oid name', '{ trap: { oid: IF-MIB::linkDown } }', trap('1.3.6.1.6.3.1.1.5.3', [], { name: 'IF-MIB::linkDown' }), true],
    ['trap oid bare name', '{ trap: { oid: linkDown } }', trap('1.3.6.1.6.3.1.1.5.3', [], { name: 'IF-MIB::linkDown' }), true],
    ['trap oid name without MIB', '{ trap: { oid: IF-MIB::linkDown } }', trap('1.3.6.1.6.3.1.1.5.3'), false],
    ['trap oid prefix', '{ trap: { oid_prefix: 1.3.6.1.4.1.6101 } }', trap('1.3.6.1.4.1.6101.1.2.0.1'), true],
    ['trap oid prefix arc', '{ trap: { oid_prefix: 1.3.6.1.4.1.610 } }', trap('1.3.6.1.4.1.6101.1'), false],
    ['trap version', '{ trap: { version: v3 } }', trap('1.3.6.1', [], { version: 'v2c' }), false],
    ['varbind by oid', '{ trap: { varbinds: { 1.3.6.1.2.1.2.2.1.2: { prefix: Gig } } } }', trap('1.3.6.1.6.3.1.1.5.3', [{ oid: '1.3.6.1.2.1.2.2.1.2.3', value: 'GigabitEthernet0/3' }]), true],
    ['varbind by name', '{ trap: { varbinds: { ifDescr: Gi0/3 } } }', trap('1.3.6.1.6.3.1.1.5.3', [{ oid: '1.3.6.1.2.1.2.2.1.2.3', name: 'IF-MIB::ifDescr', value: 'gi0/3' }]), true],
    ['varbind missing', '{ trap: { varbinds: { ifDescr: { exists: true } } } }', trap('1.3.6.1.6.3.1.1.5.3'), false],
    ['trap cond on syslog', '{ trap: { oid_prefix: 1 } }', ev(), false],
    ['all', '{ all: [{ host: a }, { app_name: b }] }', ev({ host: 'a', appName: 'b' }), true],
    ['all fails', '{ all: [{ host: a }, { app_name: b }] }', ev({ host: 'a', appName: 'c' }), false],
    ['any', '{ any: [{ host: x }, { app_name: b }] }', ev({ host: 'a', appName: 'b' }), true],
    ['any fails', '{ any: [{ host: x }, { app_name: y }] }', ev({ host: 'a', appName: 'b' }), false],
    ['not', '{ not: { host: a } }', ev({ host: 'b' }), true],
    ['not fails', '{ not: { host: a } }', ev({ host: 'a' }), false],
    ['empty match', '{}', ev(), true],
    ['keys and', '{ host: a, message: { contains: x } }', ev({ host: 'a', message: 'y' }), false],
  ];
  for (const [name, match, event, want] of cases) {
    it(`${name}: ${match} → ${want}`, () => assert.equal(matches(match, event), want));
  }

  it('named groups from message, SD, payload and varbind regexes become fields', () => {
    const c = classifierFor(`
rules:
  - id: r
    category: virus
    match:
      message: 'found (?<VirusName>\\S+)'
      sd: { "e@1": { p: { regex: '^(?<Param>\\w+)$' } } }
      payload: { fields: { fname: { regex: '(?<Ext>\\.\\w+)$' } } }
`);
    const r = c(ev({ message: 'found Eicar', structuredData: { 'e@1': { p: 'abc' } }, payload: { format: 'cef', fields: { fname: 'x.exe' } } }));
    assert.deepEqual([r.fields.VirusName, r.fields.Param, r.fields.Ext], ['Eicar', 'abc', '.exe']);
  });

  it('a failed any branch and a not leave no groups behind', () => {
    const c = classifierFor(`
rules:
  - id: r
    category: virus
    match:
      any:
        - { message: '(?<A>a+)x' , host: nope }
        - { message: '(?<B>b+)' }
      not: { message: '(?<C>zzz)' }
`);
    const r = c(ev({ message: 'aax bb' }));
    assert.equal(r.ruleId, 'r');
    assert.equal(r.fields.A, undefined);
    assert.equal(r.fields.B, 'bb');
    assert.equal(r.fields.C, undefined);
  });

  it('reports invalid CIDRs, references and thresholds as problems', async () => {
    const { compileYaml } = await import('../../helpers/rules.js');
    const { problems } = compileYaml(`
rules:
  - { id: a, category: virus, match: { peer: 10.0.0.0/40 } }
  - { id: b, category: virus, match: { severity: ">=loud" } }
  - { id: c, category: virus, fields: { X: { copy: nonsense } } }
  - { id: d, match: { host: x } }
`);
    assert.deepEqual(problems.map((p) => p.path.join('.')), ['rules.0.match.peer', 'rules.1.match.severity', 'rules.2.fields.X.copy', 'rules.3.category']);
  });
});
