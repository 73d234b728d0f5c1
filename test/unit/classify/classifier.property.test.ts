/**
 * Properties of the shipped rule set: classifying never throws on arbitrary events, and
 * the prefilter index never changes the answer (same result as trying every rule).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createClassifier } from '../../../src/classify/classifier.js';
import { compileRules } from '../../../src/classify/compile.js';
import { loadConfig } from '../../../src/config/load.js';
import type { GatewayEvent } from '../../../src/core/event.js';
import { ROOT } from '../../helpers/gateway-process.js';

const loaded = loadConfig(join(ROOT, 'config/eventgate.yaml'));
if (!loaded.ok) throw new Error('shipped config does not load');
const { rules, problems } = compileRules(loaded.loaded.rules);
const indexed = createClassifier(rules);
const bruteForce = createClassifier(rules.map((r) => ({ ...r, hints: { literals: [] } })));

const fragments = [
  'CEF:0|Trend Micro|Apex Central|2019|AV:File quarantined|', '0|Trend Micro|Deep Security Agent|20|4000000|', 'CEF:0|sophos|sophos_central|1.0|Event::Endpoint::Threat::Detected|',
  'Virus found,IP Address: ', ',Computer name: ', '"event_type":"Threat_Event"', 'LEEF:1.0|ESET|Protect|1|Threat_Event|', '<ThreatCategory>av.detect</ThreatCategory>',
  '<ThreatName>', 'ALERT: [', '] /x <<< ', 'log_type="Anti-Virus" log_component="HTTP" log_subtype="Virus"', ' virus="', 'device="SFW" ', 'Virus found: ',
  ' in ', ' on ', 'Pattern update failed: ', 'Service x has stopped', '%LINK-3-UPDOWN: Interface ', ', changed state to down', 'HEARTBEAT', 'GNRL_EV_VIRUS_FOUND', '|',
];
const text = fc.array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 8 })), { maxLength: 12 }).map((a) => a.join(''));
const apps = fc.option(fc.constantFrom('avguard.bin', 'avupdate.bin', 'systemd', 'EPOEvents', 'ERAServer', 'SymantecServer', 'CEF', 'imssmgr', 'KES', 'x'), { nil: undefined });
const params = fc.dictionary(fc.constantFrom('et', 'hdn', 'p2', 'p5', 'x'), text, { maxKeys: 3 });

const syslogEvent: fc.Arbitrary<GatewayEvent> = fc.record({
  message: text, host: fc.string({ maxLength: 10 }), appName: apps, msgId: fc.option(fc.constantFrom('GNRL_EV_VIRUS_FOUND', 'KLSRV_EV_LICENSE_X', 'x'), { nil: undefined }),
  facility: fc.integer({ min: 0, max: 23 }), severity: fc.integer({ min: 0, max: 7 }),
  sd: fc.option(fc.dictionary(fc.constantFrom('event@23668', 'origin', 'x@1'), params, { maxKeys: 2 }), { nil: undefined }),
  payload: fc.option(fc.record({ format: fc.constantFrom('cef', 'leef', 'json', 'kv' as const), fields: fc.dictionary(fc.constantFrom('dhost', 'severity', 'act', 'threat_name', 'sev', 'y'), text, { maxKeys: 4 }) }), { nil: undefined }),
}).map((r) => ({
  id: 'p', receivedAt: 0, kind: 'syslog', listener: 'udp', peer: { address: '192.0.2.1', port: 514, transport: 'udp' }, host: r.host, message: r.message,
  syslog: {
    format: 'rfc5424', facility: r.facility, severity: r.severity,
    ...(r.appName !== undefined ? { appName: r.appName } : {}), ...(r.msgId !== undefined ? { msgId: r.msgId } : {}),
    ...(r.sd ? { structuredData: r.sd } : {}), ...(r.payload ? { payload: r.payload } : {}),
  },
  raw: new Uint8Array(),
}));

const trapEvent: fc.Arbitrary<GatewayEvent> = fc.record({
  oid: fc.oneof(fc.constantFrom('1.3.6.1.6.3.1.1.5.3', '1.3.6.1.6.3.1.1.5.4', '1.3.6.1.4.1.6101.1.2.0.1', '1.3.6.1.6.3.1.1.5.1'), fc.array(fc.nat(70000), { minLength: 1, maxLength: 12 }).map((a) => a.join('.'))),
  name: fc.option(fc.constantFrom('IF-MIB::linkDown', 'linkUp', 'x::y'), { nil: undefined }),
  varbinds: fc.array(fc.record({ oid: fc.constantFrom('1.3.6.1.2.1.2.2.1.2.3', '1.3.6.1.4.1.6101.1.2.1.2.0', '1.3.6.1.4.1.6101.1.2.1.1.0', '1'), name: fc.option(fc.constantFrom('ifDescr', 'virusName', 'IF-MIB::ifIndex'), { nil: undefined }), value: text }), { maxLength: 4 }),
  message: text,
}).map((r) => ({
  id: 'p', receivedAt: 0, kind: 'trap', listener: 'snmp', peer: { address: '192.0.2.9', port: 162, transport: 'udp' }, host: 'h', message: r.message,
  trap: { version: 'v2c', pdu: 'trap', security: { model: 'community', community: 'communities[0]' }, trapOid: r.oid, ...(r.name ? { trapName: r.name } : {}), varbinds: r.varbinds.map((v) => ({ oid: v.oid, type: 'OctetString', value: v.value, ...(v.name ? { name: v.name } : {}) })) },
  raw: new Uint8Array(),
}));

describe('shipped rule set, properties', () => {
  it('compiles without problems', () => assert.deepEqual(problems, []));

  it('never throws, and the index gives the same answer as trying every rule', () => {
    fc.assert(
      fc.property(fc.oneof(syslogEvent, trapEvent), (event) => {
        const a = indexed(event);
        const b = bruteForce(event);
        assert.deepEqual(a, b);
        assert.ok(typeof a.category === 'string' && typeof a.key === 'string');
      }),
      { numRuns: 3000, seed: 5 },
    );
  });
});
