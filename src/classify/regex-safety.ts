/**
 * The regex safety gate: every pattern a rule uses passes it at load, or the rule is
 * rejected with file, line and rule id. A cheap shape check (nested quantifiers, length)
 * runs first; then a full ReDoS analysis (recheck, injected by the app with a verdict
 * cache) must call the pattern safe. Exponential and polynomial verdicts are both
 * rejected: a polynomial pattern on a 64 KiB line already costs seconds. When recheck
 * times out, the shape check alone decides. Pure.
 */
import { truncate } from '../core/text.js';
import { nestedQuantifier } from './regex-syntax.js';

export type RegexVerdict =
  | { readonly status: 'safe' }
  | { readonly status: 'vulnerable'; readonly complexity: string; readonly attack?: string }
  | { readonly status: 'unknown'; readonly reason: string };

/** Full analysis of one pattern; undefined when no analyser is available. */
export type RegexChecker = (source: string, flags: string) => RegexVerdict | undefined;

/** Returns why a pattern is rejected, or undefined when it may be used. */
export type RegexGate = (source: string, flags: string) => string | undefined;

export const MAX_PATTERN_LENGTH = 2048;

export function createRegexGate(check?: RegexChecker): RegexGate {
  return (source, flags) => {
    if (source.length > MAX_PATTERN_LENGTH) return `regex is ${source.length} characters long; at most ${MAX_PATTERN_LENGTH} are allowed`;
    const shape = nestedQuantifier(source);
    if (shape) return `regex can backtrack catastrophically: ${shape}; rewrite it without the inner repetition`;
    const v = check?.(source, flags);
    if (!v || v.status === 'safe') return undefined;
    if (v.status === 'vulnerable') {
      const attack = v.attack === undefined ? '' : `, e.g. on ${JSON.stringify(truncate(v.attack, 60))}`;
      return `regex can backtrack catastrophically (${v.complexity}${attack}); bound the repetitions or anchor the pattern`;
    }
    // recheck gave up (usually its time limit on a busy machine): the shape check stands.
    if (v.reason === 'timeout') return undefined;
    return `regex could not be shown safe (${v.reason}); simplify it`;
  };
}
