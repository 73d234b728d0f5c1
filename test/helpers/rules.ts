/**
 * Rule-set helpers for classifier tests: compile rules written as YAML text (validated by
 * the real schema), and build syslog and trap events without a listener.
 */
import { parse } from 'yaml';
import { createClassifier, type Classifier } from '../../src/classify/classifier.js';
import { compileRules, type RuleProblem } from '../../src/classify/compile.js';
import type { RegexGate } from '../../src/classify/regex-safety.js';
import { rulesFile } from '../../src/config/schema/rules.js';
import type { GatewayEvent, Payload, SyslogParts, TrapVarbind } from '../../src/core/event.js';

export function compileYaml(yaml: string, gate?: RegexGate): { classifier: Classifier; problems: RuleProblem[] } {
  const parsed = rulesFile.safeParse(parse(yaml));
  if (!parsed.success) throw new Error(`rules do not validate: ${parsed.error.message}`);
  const sources = parsed.data.rules.map((rule, index) => ({ file: 'test.yaml', index, rule }));
  const { rules, problems } = compileRules(sources, gate ? { regexGate: gate } : {});
  return { classifier: createClassifier(rules), problems };
}

/** Compiles and fails on any problem. */
export function classifierFor(yaml: string): Classifier {
  const { classifier, problems } = compileYaml(yaml);
  if (problems.length) throw new Error(problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('\n'));
  return classifier;
}

export interface SyslogInit {
  message?: string;
  host?: string;
  listener?: string;
  peer?: string;
  appName?: string;
  msgId?: string;
  facility?: number;
  severity?: number;
  structuredData?: SyslogParts['structuredData'];
  payload?: Payload;
}

export function syslogTestEvent(i: SyslogInit = {}): GatewayEvent {
  const message = i.message ?? '';
  const syslog: SyslogParts = {
    format: 'rfc5424',
    facility: i.facility ?? 1,
    severity: i.severity ?? 5,
    ...(i.appName !== undefined ? { appName: i.appName } : {}),
    ...(i.msgId !== undefined ? { msgId: i.msgId } : {}),
    ...(i.structuredData ? { structuredData: i.structuredData } : {}),
    ...(i.payload ? { payload: i.payload } : {}),
  };
  return {
    id: 'test', receivedAt: 0, kind: 'syslog', listener: i.listener ?? 'udp',
    peer: { address: i.peer ?? '192.0.2.1', port: 514, transport: 'udp' },
    host: i.host ?? 'host1', message, syslog, raw: Buffer.from(message),
  };
}

export function trapTestEvent(oid: string, varbinds: Partial<TrapVarbind>[] = [], extra: { name?: string; host?: string; version?: 'v1' | 'v2c' | 'v3' } = {}): GatewayEvent {
  const vbs = varbinds.map((v) => ({ oid: v.oid ?? '1.3.6.1', type: v.type ?? 'OctetString', value: v.value ?? '', ...(v.name ? { name: v.name } : {}) }));
  return {
    id: 'test', receivedAt: 0, kind: 'trap', listener: 'snmp',
    peer: { address: '192.0.2.9', port: 162, transport: 'udp' },
    host: extra.host ?? '192.0.2.9', message: `${extra.name ?? oid}`,
    trap: { version: extra.version ?? 'v2c', pdu: 'trap', security: { model: 'community', community: 'communities[0]' }, trapOid: oid, varbinds: vbs, ...(extra.name ? { trapName: extra.name } : {}) },
    raw: Buffer.from(''),
  };
}
