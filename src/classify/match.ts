/**
 * Matching one compiled rule against one event. Pure. Returns the named groups captured
 * by the message regex, or undefined when the rule does not match.
 */
import type { GatewayEvent } from '../core/event.js';
import { meetsThreshold } from '../core/severity.js';
import type { CompiledRule } from './compile.js';

/** Tries `rule` on `event`; `lowerMessage` is the message lower-cased once per event. */
export function matchRule(rule: CompiledRule, event: GatewayEvent, lowerMessage: () => string): Record<string, string> | undefined {
  if (rule.kind && rule.kind !== event.kind) return undefined;
  const s = event.syslog;
  if (rule.facilities && (!s || !rule.facilities.has(s.facility))) return undefined;
  // Syslog severities run 0 (emerg) to 7 (debug); thresholds are on ascending rank 7 - code.
  if (rule.syslogSeverity && (!s || !meetsThreshold(7 - s.severity, rule.syslogSeverity))) return undefined;
  if (rule.appName && !rule.appName(s?.appName ?? '')) return undefined;
  if (rule.host && !rule.host(event.host)) return undefined;
  const m = rule.message;
  if (!m) return {};
  if (m.literal !== undefined) {
    const hay = m.ignoreCase ? lowerMessage() : event.message;
    return hay.includes(m.literal) ? {} : undefined;
  }
  const found = m.regex!.exec(event.message);
  if (!found) return undefined;
  const groups: Record<string, string> = {};
  if (found.groups) for (const [k, v] of Object.entries(found.groups)) if (v !== undefined) groups[k] = v;
  return groups;
}
