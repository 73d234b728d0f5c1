/**
 * The classifier: rules are tried in order (only those the index leaves as candidates);
 * the first match wins, except that a `continue` rule merges its fields and lets later
 * rules decide; `drop` ends classification with the event dropped. No match gives
 * category `other` with the severity mapped from syslog. Pure apart from the compiled
 * rules it closes over; `explain` tells which rule matched and why.
 */
import type { Classification } from '../core/classification.js';
import type { GatewayEvent } from '../core/event.js';
import { severityFromSyslog, type Severity } from '../core/severity.js';
import { copyFields } from '../core/copy-fields.js';
import { defaultFields } from '../core/template-data.js';
import { escapeControls, truncate } from '../core/text.js';
import { applyFields, applySeverity } from './actions.js';
import type { CompiledRule } from './compile.js';
import { explainCond, type CondTrace } from './explain.js';
import { buildIndex, literalMemo } from './prefilter.js';

const TITLE_MAX = 500;

export interface RuleTrace {
  readonly rule: string;
  readonly file: string;
  /** `skipped`: the index ruled it out (a literal it needs is absent); else whether it matched. */
  readonly result: 'matched' | 'no match' | 'skipped';
  readonly missing?: string;
  readonly conditions?: CondTrace;
}

export interface Explanation {
  readonly classification: Classification;
  /** Rules the index left as candidates, in the order tried. */
  readonly tried: readonly RuleTrace[];
  /** How many rules the index did not even consider for this event. */
  readonly notCandidates: number;
}

export interface Classifier {
  (event: GatewayEvent): Classification;
  explain(event: GatewayEvent): Explanation;
}

function fallbackSeverity(event: GatewayEvent): Severity {
  return event.syslog ? severityFromSyslog(event.syslog.severity) : 'info';
}

function titleFrom(text: string): string {
  return truncate(escapeControls(text), TITLE_MAX);
}

/**
 * Template keyword lookup without building a data object per event: the built-in keywords,
 * else `fields` (read live). Same answers as core's eventData, which copies the fields.
 */
function templateLookup(event: GatewayEvent, ruleId: string, category: string, severity: string, fields: Record<string, string>): (key: string) => string | undefined {
  return (key) => {
    switch (key) {
      case 'Host': return event.host;
      case 'Message': return event.message;
      case 'Category': return category;
      case 'Severity': return severity;
      case 'Rule': return ruleId;
      case 'EventId': return event.id;
      case 'Source': return event.peer.address;
      case 'Count': return '1';
      default: return fields[key];
    }
  };
}

function build(rule: CompiledRule, event: GatewayEvent, fields: Record<string, string>): Classification {
  const severity = (rule.severity && applySeverity(rule.severity, event, fields)) ?? fallbackSeverity(event);
  const category = rule.category ?? 'other';
  const data = rule.title || rule.key ? templateLookup(event, rule.id, category, severity, fields) : undefined;
  const c: Classification = {
    ruleId: rule.id,
    category,
    severity,
    title: titleFrom(rule.title ? rule.title.renderWith(data!) : event.message),
    state: rule.state,
    key: rule.key ? rule.key.renderWith(data!) : `${rule.id}|${event.host}`,
    fields,
  };
  return rule.drop ? { ...c, drop: true } : c;
}

function other(event: GatewayEvent, fields: Record<string, string>): Classification {
  return {
    ruleId: null,
    category: 'other',
    severity: fallbackSeverity(event),
    title: titleFrom(event.message),
    state: 'event',
    key: `other|${event.host}`,
    fields,
  };
}

export function createClassifier(rules: readonly CompiledRule[]): Classifier {
  const index = buildIndex(rules);
  const memo = literalMemo(index);

  // One state for every run, reset at its start: run is synchronous and never re-entered,
  // so no state object or lower-casing closure is made per event.
  let lowered: string | undefined;
  const state: { event: GatewayEvent; lower(): string; groups: Record<string, string> } = {
    event: undefined as unknown as GatewayEvent,
    lower: () => (lowered ??= state.event.message.toLowerCase()),
    groups: {},
  };

  function run(event: GatewayEvent, trace?: RuleTrace[]): Classification {
    lowered = undefined;
    state.event = event;
    memo.reset(event.message, state.lower);
    let merged: Record<string, string> | undefined;
    let lastContinue: CompiledRule | undefined;
    const candidates = index.candidates(event);
    for (let c = 0; c < candidates.length; c++) {
      const i = candidates[c]!;
      const rule = rules[i]!;
      const sets = index.ruleLiterals[i]!;
      let missing: readonly number[] | undefined;
      for (let k = 0; k < sets.length; k++) {
        if (!memo.hasAny(sets[k]!)) {
          missing = sets[k];
          break;
        }
      }
      if (missing !== undefined) {
        trace?.push({ rule: rule.id, file: rule.file, result: 'skipped', missing: missing.map((id) => index.literals[id]!.text).join(' | ') });
        continue;
      }
      state.groups = {};
      let ok: boolean;
      if (trace) {
        const t = explainCond(rule.cond, state);
        ok = t.ok;
        trace.push({ rule: rule.id, file: rule.file, result: ok ? 'matched' : 'no match', conditions: t });
      } else {
        ok = rule.cond.test(state);
      }
      if (!ok) continue;
      const fields = copyFields(copyFields<Record<string, string>>({}, merged ?? defaultFields(event)), state.groups);
      if (rule.fields.length) applyFields(rule.fields, event, fields, templateLookup(event, rule.id, rule.category ?? 'other', 'info', fields));
      if (rule.continue && !rule.drop) {
        merged = fields;
        if (rule.category !== undefined) lastContinue = rule;
        continue;
      }
      return build(rule, event, fields);
    }
    const fields = merged ?? defaultFields(event);
    return lastContinue ? build(lastContinue, event, fields) : other(event, fields);
  }

  const classify = ((event: GatewayEvent) => run(event)) as Classifier;
  classify.explain = (event) => {
    const tried: RuleTrace[] = [];
    const classification = run(event, tried);
    return { classification, tried, notCandidates: rules.length - index.candidates(event).length };
  };
  return classify;
}
