/**
 * The classifier: first matching rule wins; no match gives category `other` with the
 * severity mapped from syslog. Pure apart from the compiled rules it closes over.
 */
import type { Classification } from '../core/classification.js';
import type { GatewayEvent } from '../core/event.js';
import { severityFromSyslog, type Severity } from '../core/severity.js';
import { defaultFields, eventData } from '../core/template-data.js';
import { escapeControls, truncate } from '../core/text.js';
import type { CompiledRule } from './compile.js';
import { matchRule } from './match.js';

const TITLE_MAX = 500;

export type Classifier = (event: GatewayEvent) => Classification;

function fallbackSeverity(event: GatewayEvent): Severity {
  return event.syslog ? severityFromSyslog(event.syslog.severity) : 'info';
}

function titleFrom(text: string): string {
  return truncate(escapeControls(text), TITLE_MAX);
}

export function createClassifier(rules: readonly CompiledRule[]): Classifier {
  return (event) => {
    let lower: string | undefined;
    const lowerMessage = () => (lower ??= event.message.toLowerCase());
    for (const rule of rules) {
      const groups = matchRule(rule, event, lowerMessage);
      if (!groups) continue;
      const severity = rule.severity ?? fallbackSeverity(event);
      const head = { ruleId: rule.id, category: rule.category, severity };
      const fields: Record<string, string> = { ...defaultFields(event), ...groups };
      for (const [name, template] of rule.fields) fields[name] = template.render(eventData(event, head, fields));
      const data = eventData(event, head, fields);
      return {
        ...head,
        title: titleFrom(rule.title ? rule.title.render(data) : event.message),
        state: rule.state,
        key: rule.key ? rule.key.render(data) : `${rule.id}|${event.host}`,
        fields,
      };
    }
    return {
      ruleId: null,
      category: 'other',
      severity: fallbackSeverity(event),
      title: titleFrom(event.message),
      state: 'event',
      key: `other|${event.host}`,
      fields: defaultFields(event),
    };
  };
}
