/**
 * Silences: maintenance windows by match and time span, from config and from
 * `eventgate silence add`. A silenced event is stored and counted but not notified; the
 * engine notifies a problem still open when its silence ends. Pure.
 */
import type { EventMatchConfig } from '../config/schema/routes.js';
import { compileMatch, type AddressMatcherFactory, type Matcher, type MatchProblem, type MatchSubject } from './matcher.js';

export interface Silence {
  readonly id: string;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly matcher: Matcher;
}

export interface SilenceSpec {
  readonly id: string;
  readonly match: EventMatchConfig;
  readonly startsAt: number;
  readonly endsAt: number;
}

export function compileSilences(specs: readonly SilenceSpec[], cidr: AddressMatcherFactory, pathOf: (i: number) => (string | number)[]): { silences: Silence[]; problems: MatchProblem[] } {
  const problems: MatchProblem[] = [];
  const silences = specs.map((s, i) => {
    const { matcher, problems: p } = compileMatch(s.match, [...pathOf(i), 'match'], cidr);
    problems.push(...p);
    if (s.endsAt <= s.startsAt) problems.push({ path: [...pathOf(i), 'end'], message: 'end must be after start' });
    return { id: s.id, startsAt: s.startsAt, endsAt: s.endsAt, matcher };
  });
  return { silences, problems };
}

/** The first silence active at `now` that matches, if any. */
export function activeSilence(silences: readonly Silence[], s: MatchSubject, now: number): Silence | undefined {
  for (const x of silences) if (now >= x.startsAt && now < x.endsAt && x.matcher(s)) return x;
  return undefined;
}
