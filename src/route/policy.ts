/**
 * Compiled routes: which channels hear about a classified event. Routes are tried in
 * order; the first match ends the walk unless it says `continue`. A channel's own minimum
 * severity applies after routing. Pure.
 */
import type { ConfigPath } from '../config/source-map.js';
import type { RouteConfig } from '../config/schema/routes.js';
import type { Classification } from '../core/classification.js';
import { meetsThreshold, parseThreshold, SEVERITIES, severityRank, type Severity, type SeverityThreshold } from '../core/severity.js';

export interface CompiledRoute {
  readonly index: number;
  readonly categories?: ReadonlySet<string>;
  readonly rules?: ReadonlySet<string>;
  readonly severity?: SeverityThreshold;
  readonly channels: readonly string[];
  readonly continue: boolean;
}

export interface RoutePolicy {
  /** Channels (deduplicated, in route order) with the index of the route that chose each. */
  resolve(c: Classification): { channel: string; routeIndex: number }[];
}

export function compileRoutes(
  routes: readonly RouteConfig[],
  channelMinSeverity: ReadonlyMap<string, Severity>,
): { policy: RoutePolicy; problems: { path: ConfigPath; message: string }[] } {
  const problems: { path: ConfigPath; message: string }[] = [];
  const compiled: CompiledRoute[] = routes.map((r, index) => {
    let severity: SeverityThreshold | undefined;
    if (r.match.severity !== undefined) {
      severity = parseThreshold(r.match.severity, SEVERITIES);
      if (!severity) problems.push({ path: ['routes', index, 'match', 'severity'], message: `invalid severity "${r.match.severity}": use e.g. ">=warning" with ${SEVERITIES.join(', ')}` });
    }
    return {
      index,
      channels: r.channels,
      continue: r.continue,
      ...(r.match.category ? { categories: new Set(r.match.category) } : {}),
      ...(r.match.rule ? { rules: new Set(r.match.rule) } : {}),
      ...(severity ? { severity } : {}),
    };
  });

  const policy: RoutePolicy = {
    resolve(c) {
      const out: { channel: string; routeIndex: number }[] = [];
      const seen = new Set<string>();
      const rank = severityRank(c.severity);
      for (const r of compiled) {
        if (r.categories && !r.categories.has(c.category)) continue;
        if (r.rules && (c.ruleId === null || !r.rules.has(c.ruleId))) continue;
        if (r.severity && !meetsThreshold(rank, r.severity)) continue;
        for (const ch of r.channels) {
          const min = channelMinSeverity.get(ch);
          if (seen.has(ch) || (min && rank < severityRank(min))) continue;
          seen.add(ch);
          out.push({ channel: ch, routeIndex: r.index });
        }
        if (!r.continue) break;
      }
      return out;
    },
  };
  return { policy, problems };
}
