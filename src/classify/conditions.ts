/**
 * Rule conditions compiled into a tree of tests. Every key of a `match` must hold; `all`,
 * `any` and `not` nest. Named regex groups are collected into the state's `groups` (a
 * failed `any` branch or anything under `not` leaves none behind). Alongside the tree,
 * `Hints` record what every match of the rule requires (kind, app names, trap OIDs,
 * literals), which the prefilter indexes. Pure.
 */
import type { RuleMatch } from '../config/schema/rules.js';
import { createAllowList } from '../core/cidr.js';
import type { GatewayEvent } from '../core/event.js';
import { meetsThreshold, parseThreshold, SYSLOG_FACILITIES, SYSLOG_SEVERITIES_ASCENDING } from '../core/severity.js';
import { isNumericOid, normalizeOid, oidTest } from './oid.js';
import { varbindFinder } from './refs.js';
import { groupNames, requiredLiteralSets } from './regex-syntax.js';
import { compileRegex, compileValue, describeValue, takeGroups, type CompileEnv } from './values.js';

export interface EvalState {
  readonly event: GatewayEvent;
  /** The message lower-cased, computed at most once per event. */
  lower(): string;
  groups: Record<string, string>;
}

export interface Cond {
  /** What the condition asks, for `eventgate classify` explanations. */
  readonly text: string;
  readonly op?: 'all' | 'any' | 'not';
  readonly children?: readonly Cond[];
  /**
   * True when `test` may write named groups (a regex somewhere below). `any` and `not`
   * copy or set aside the groups only around children that may write them.
   */
  readonly groups?: boolean;
  test(s: EvalState): boolean;
}

/** At least one of `texts` occurs in the message (lower-cased first when ignoreCase). */
export interface LiteralSet {
  readonly texts: readonly string[];
  readonly ignoreCase: boolean;
}

/** What every event a rule matches must have; used to skip rules cheaply. */
export interface Hints {
  kind?: 'syslog' | 'trap';
  appNames?: ReadonlySet<string>;
  trapOids?: ReadonlySet<string>;
  literals: LiteralSet[];
}

type Path = readonly (string | number)[];

const leaf = (text: string, test: (s: EvalState) => boolean, groups = false): Cond => (groups ? { text, groups, test } : { text, test });

/** True when a value matcher may write named groups (it has a regex; conservative). */
const valueGroups = (spec: unknown): boolean => typeof spec === 'object' && spec !== null && !Array.isArray(spec) && (spec as { regex?: unknown }).regex !== undefined;

export function allOf(children: Cond[], text = 'all of'): Cond {
  if (children.length === 1) return children[0]!;
  const n = children.length;
  return {
    text,
    op: 'all',
    children,
    groups: children.some((c) => c.groups),
    test(s) {
      for (let i = 0; i < n; i++) if (!children[i]!.test(s)) return false;
      return true;
    },
  };
}

function anyOf(children: Cond[]): Cond {
  return {
    text: 'any of',
    op: 'any',
    children,
    groups: children.some((c) => c.groups),
    test(s) {
      for (const c of children) {
        // A child that writes no groups leaves them as they were whatever its answer.
        if (!c.groups) {
          if (c.test(s)) return true;
          continue;
        }
        const saved = s.groups;
        s.groups = { ...saved };
        if (c.test(s)) return true;
        s.groups = saved;
      }
      return false;
    },
  };
}

function notOf(child: Cond): Cond {
  return {
    text: 'not',
    op: 'not',
    children: [child],
    test: child.groups
      ? (s) => {
          const saved = s.groups;
          s.groups = {};
          const r = child.test(s);
          s.groups = saved;
          return !r;
        }
      : (s) => !child.test(s),
  };
}

function messageCond(spec: NonNullable<RuleMatch['message']>, path: Path, env: CompileEnv, hints: Hints | undefined): Cond {
  const m = typeof spec === 'string' ? { regex: spec, ignore_case: false } : spec;
  const ci = m.ignore_case;
  if ('contains' in m) {
    const want = ci ? m.contains.toLowerCase() : m.contains;
    hints?.literals.push({ texts: [want], ignoreCase: ci });
    return leaf(`message contains ${JSON.stringify(m.contains)}${ci ? ' (ignoring case)' : ''}`, (s) => (ci ? s.lower() : s.event.message).includes(want));
  }
  const re = compileRegex(m.regex, ci, typeof spec === 'string' ? path : [...path, 'regex'], env);
  if (!re) return leaf('message (invalid regex)', () => false);
  for (const texts of requiredLiteralSets(m.regex, ci)) hints?.literals.push({ texts, ignoreCase: ci });
  return leaf(`message matches /${m.regex}/${re.flags}`, (s) => {
    const found = re.exec(s.event.message);
    if (!found) return false;
    takeGroups(found, s.groups);
    return true;
  }, groupNames(re).length > 0);
}

function trapConds(spec: NonNullable<RuleMatch['trap']>, path: Path, env: CompileEnv, hints: Hints | undefined): Cond[] {
  const out: Cond[] = [leaf('kind = trap', (s) => s.event.trap !== undefined)];
  if (spec.oid) {
    const tests = spec.oid.map((o) => oidTest(o, false));
    out.push(leaf(`trap OID in ${JSON.stringify(spec.oid)}`, (s) => tests.some((t) => t(s.event.trap!.trapOid, s.event.trap!.trapName))));
    if (hints && spec.oid.every(isNumericOid)) hints.trapOids = new Set(spec.oid.map(normalizeOid));
  }
  if (spec.oid_prefix) {
    const tests = spec.oid_prefix.map((o) => oidTest(o, true));
    out.push(leaf(`trap OID under ${JSON.stringify(spec.oid_prefix)}`, (s) => tests.some((t) => t(s.event.trap!.trapOid, s.event.trap!.trapName))));
  }
  if (spec.version) {
    const versions = new Set(spec.version);
    out.push(leaf(`trap version in ${JSON.stringify(spec.version)}`, (s) => versions.has(s.event.trap!.version)));
  }
  for (const [name, vspec] of Object.entries(spec.varbinds ?? {})) {
    const find = varbindFinder(name);
    const test = compileValue(vspec, [...path, 'varbinds', name], env);
    out.push(leaf(`varbind ${name} ${describeValue(vspec)}`, (s) => test(find(s.event.trap!.varbinds)?.value, s.groups), valueGroups(vspec)));
  }
  return out;
}

/**
 * Compiles a `match` block. `hints` is given only where the block must hold for the rule
 * to match (the top level and `all` members), so requirements found there are real.
 */
export function compileMatch(m: RuleMatch, path: Path, env: CompileEnv, hints?: Hints): Cond {
  const conds: Cond[] = [];
  const syslogOnly = () => {
    if (hints && !hints.kind) hints.kind = 'syslog';
  };
  if (m.kind) {
    const kind = m.kind;
    if (hints) hints.kind = kind;
    conds.push(leaf(`kind = ${kind}`, (s) => s.event.kind === kind));
  }
  if (m.listener) {
    const set = new Set(m.listener);
    conds.push(leaf(`listener in ${JSON.stringify(m.listener)}`, (s) => set.has(s.event.listener)));
  }
  if (m.peer) {
    let allow: ((a: string) => boolean) | undefined;
    try {
      allow = createAllowList(m.peer);
    } catch (err) {
      env.problem([...path, 'peer'], (err as Error).message);
    }
    if (allow) conds.push(leaf(`peer in ${JSON.stringify(m.peer)}`, (s) => allow(s.event.peer.address)));
  }
  if (m.host !== undefined) {
    const t = compileValue(m.host, [...path, 'host'], env);
    conds.push(leaf(`host ${describeValue(m.host)}`, (s) => t(s.event.host, s.groups), valueGroups(m.host)));
  }
  if (m.app_name !== undefined) {
    syslogOnly();
    const spec = m.app_name;
    if (hints && (typeof spec === 'string' || Array.isArray(spec))) hints.appNames = new Set((Array.isArray(spec) ? spec : [spec]).map((a) => a.toLowerCase()));
    const t = compileValue(spec, [...path, 'app_name'], env);
    conds.push(leaf(`app_name ${describeValue(spec)}`, (s) => t(s.event.syslog?.appName, s.groups), valueGroups(spec)));
  }
  if (m.msg_id !== undefined) {
    syslogOnly();
    const t = compileValue(m.msg_id, [...path, 'msg_id'], env);
    conds.push(leaf(`msg_id ${describeValue(m.msg_id)}`, (s) => t(s.event.syslog?.msgId, s.groups), valueGroups(m.msg_id)));
  }
  if (m.facility) {
    syslogOnly();
    const set = new Set(m.facility.map((f) => (typeof f === 'number' ? f : SYSLOG_FACILITIES.indexOf(f))));
    conds.push(leaf(`facility in ${JSON.stringify(m.facility)}`, (s) => s.event.syslog !== undefined && set.has(s.event.syslog.facility)));
  }
  if (m.severity !== undefined) {
    syslogOnly();
    const t = parseThreshold(m.severity, SYSLOG_SEVERITIES_ASCENDING);
    if (!t) env.problem([...path, 'severity'], `invalid syslog severity "${m.severity}": use e.g. ">=warning" with emerg, alert, crit, err, warning, notice, info, debug`);
    // Syslog severities run 0 (emerg) to 7 (debug); thresholds are on ascending rank 7 - code.
    else conds.push(leaf(`syslog severity ${m.severity}`, (s) => s.event.syslog !== undefined && meetsThreshold(7 - s.event.syslog.severity, t)));
  }
  if (m.message !== undefined) conds.push(messageCond(m.message, [...path, 'message'], env, hints));
  if (m.sd) {
    syslogOnly();
    for (const [id, params] of Object.entries(m.sd)) {
      conds.push(leaf(`structured data [${id}] present`, (s) => s.event.syslog?.structuredData?.[id] !== undefined));
      for (const [param, vspec] of Object.entries(params)) {
        const t = compileValue(vspec, [...path, 'sd', id, param], env);
        conds.push(leaf(`sd ${id}.${param} ${describeValue(vspec)}`, (s) => t(s.event.syslog?.structuredData?.[id]?.[param], s.groups), valueGroups(vspec)));
      }
    }
  }
  if (m.payload) {
    syslogOnly();
    if (m.payload.format) {
      const formats = new Set<string>(m.payload.format);
      conds.push(leaf(`payload format in ${JSON.stringify(m.payload.format)}`, (s) => formats.has(s.event.syslog?.payload?.format ?? '')));
    }
    for (const [name, vspec] of Object.entries(m.payload.fields ?? {})) {
      const t = compileValue(vspec, [...path, 'payload', 'fields', name], env);
      conds.push(leaf(`payload field ${name} ${describeValue(vspec)}`, (s) => t(s.event.syslog?.payload?.fields[name], s.groups), valueGroups(vspec)));
    }
  }
  if (m.trap) {
    if (hints) hints.kind = 'trap';
    conds.push(...trapConds(m.trap, [...path, 'trap'], env, hints));
  }
  m.all?.forEach((sub, i) => conds.push(compileMatch(sub, [...path, 'all', i], env, hints)));
  if (m.any) conds.push(anyOf(m.any.map((sub, i) => compileMatch(sub, [...path, 'any', i], env))));
  if (m.not) conds.push(notOf(compileMatch(m.not, [...path, 'not'], env)));
  if (conds.length === 0) return leaf('always', () => true);
  return allOf(conds);
}
