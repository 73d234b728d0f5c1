/**
 * Event matchers shared by routes, silences and absence rules: category, severity
 * threshold, rule id, host name or address/CIDR, product and field values. Compiled once;
 * the test is pure. Address parsing is injected (the listeners own the CIDR code).
 */
import { isIP } from 'node:net';
import type { ConfigPath } from '../config/source-map.js';
import type { EventMatchConfig } from '../config/schema/routes.js';
import type { Classified } from '../core/classification.js';
import { meetsThreshold, parseThreshold, SEVERITIES, severityRank, type Severity } from '../core/severity.js';

/** What a matcher looks at: the classification plus where the event came from. */
export interface MatchSubject {
  readonly category: string;
  readonly severity: Severity;
  readonly ruleId: string | null;
  readonly host: string;
  /** The sender's address (absent for synthesized events). */
  readonly source?: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** Builds an address predicate from CIDRs or addresses; throws on an invalid one. */
export type AddressMatcherFactory = (cidrs: readonly string[]) => (address: string) => boolean;

export interface MatchProblem {
  readonly path: ConfigPath;
  readonly message: string;
}

export type Matcher = (s: MatchSubject) => boolean;

export function subjectOf({ event, classification: c }: Classified): MatchSubject {
  return { category: c.category, severity: c.severity, ruleId: c.ruleId, host: event.host, ...(event.peer.address ? { source: event.peer.address } : {}), fields: c.fields };
}

const isAddressSpec = (s: string) => isIP(s.split('/')[0]!.replace(/^\[|\]$/g, '')) !== 0;

export function compileMatch(m: EventMatchConfig, path: ConfigPath, cidr: AddressMatcherFactory): { matcher: Matcher; problems: MatchProblem[] } {
  const problems: MatchProblem[] = [];
  const tests: Matcher[] = [];
  if (m.category) {
    const set = new Set(m.category);
    tests.push((s) => set.has(s.category));
  }
  if (m.rule) {
    const set = new Set(m.rule);
    tests.push((s) => s.ruleId !== null && set.has(s.ruleId));
  }
  if (m.severity !== undefined) {
    const t = parseThreshold(m.severity, SEVERITIES);
    if (!t) problems.push({ path: [...path, 'severity'], message: `invalid severity "${m.severity}": use e.g. ">=warning" with ${SEVERITIES.join(', ')}` });
    else tests.push((s) => meetsThreshold(severityRank(s.severity), t));
  }
  if (m.host) {
    const names = new Set(m.host.filter((h) => !isAddressSpec(h)).map((h) => h.toLowerCase()));
    const addrs = m.host.filter(isAddressSpec);
    let inRange: ((a: string) => boolean) | undefined;
    try {
      if (addrs.length) inRange = cidr(addrs);
    } catch (err) {
      problems.push({ path: [...path, 'host'], message: (err as Error).message });
    }
    tests.push((s) => names.has(s.host.toLowerCase())
      || (inRange !== undefined && ((isIP(s.host) !== 0 && inRange(s.host)) || (s.source !== undefined && inRange(s.source)))));
  }
  if (m.product) {
    const set = new Set(m.product.map((p) => p.toLowerCase()));
    tests.push((s) => s.fields.Product !== undefined && set.has(s.fields.Product.toLowerCase()));
  }
  for (const [name, spec] of Object.entries(m.fields ?? {})) {
    if (typeof spec === 'string') {
      const want = spec.toLowerCase();
      tests.push((s) => s.fields[name]?.toLowerCase() === want);
      continue;
    }
    try {
      const re = new RegExp(spec.regex, spec.ignore_case ? 'i' : '');
      tests.push((s) => s.fields[name] !== undefined && re.test(s.fields[name]));
    } catch (err) {
      problems.push({ path: [...path, 'fields', name, 'regex'], message: `invalid regex: ${(err as Error).message}` });
    }
  }
  return { matcher: (s) => tests.every((t) => t(s)), problems };
}
