/**
 * Compiled routes: which channels hear about a classified event, and with which policy
 * settings (a channel's defaults overridden per route). Routes are tried in order; the
 * first match ends the walk unless it says `continue`. A channel's own minimum severity
 * applies after routing; a channel reached twice gets one target. Pure.
 */
import type { ConfigPath } from '../config/source-map.js';
import type { RouteConfig } from '../config/schema/routes.js';
import { severityRank, type Severity } from '../core/severity.js';
import { compileTemplate, isTemplateError } from '../core/template.js';
import { compileMatch, type AddressMatcherFactory, type Matcher, type MatchSubject } from './matcher.js';

export interface LimitSettings { readonly count: number; readonly perMs: number; readonly perKey: boolean }
export interface DigestSettings { readonly intervalMs: number; readonly mode: 'combined' | 'each'; readonly maxItems: number }

export interface PolicySettings {
  readonly limit?: LimitSettings;
  readonly digest?: DigestSettings;
  readonly dedupMs: number;
  readonly recovery: boolean;
  readonly repeatMs: number;
  readonly autoResolveMs: number;
  readonly subject?: string;
  readonly template?: string;
}

/** One (route, channel) pair: where the state of the policy stages lives. */
export interface Target {
  readonly id: string;
  readonly channel: string;
  readonly routeIndex: number;
  readonly settings: PolicySettings;
}

/** Channel-level defaults, from the channel's config. */
export interface ChannelPolicy {
  readonly minSeverity: Severity;
  readonly limit?: { count: number; per: number; per_key: boolean };
  readonly digest?: { interval: number; mode: 'combined' | 'each'; max_items: number };
  readonly dedup?: { window: number };
}

export interface RoutePolicy {
  /** Targets (one per channel, in route order). */
  resolve(s: MatchSubject): Target[];
  /** A target by id (state refers to targets by id). */
  target(id: string): Target | undefined;
}

export interface PolicyProblem { readonly path: ConfigPath; readonly message: string }

export interface CompileRoutesDeps {
  readonly channels: ReadonlyMap<string, ChannelPolicy>;
  /** Keywords subject/template overrides may use. */
  readonly keywords: ReadonlySet<string>;
  readonly cidr: AddressMatcherFactory;
}

function limitOf(l: { count: number; per: number; per_key: boolean } | undefined): LimitSettings | undefined {
  return l ? { count: l.count, perMs: l.per, perKey: l.per_key } : undefined;
}

function digestOf(d: { interval: number; mode: 'combined' | 'each'; max_items: number } | undefined): DigestSettings | undefined {
  return d && d.interval > 0 ? { intervalMs: d.interval, mode: d.mode, maxItems: d.max_items } : undefined;
}

export function compileRoutes(routes: readonly RouteConfig[], deps: CompileRoutesDeps): { policy: RoutePolicy; problems: PolicyProblem[] } {
  const problems: PolicyProblem[] = [];
  const targets = new Map<string, Target>();
  const compiled = routes.map((r, index) => {
    const { matcher, problems: mp } = compileMatch(r.match, ['routes', index, 'match'], deps.cidr);
    problems.push(...mp);
    for (const key of ['subject', 'template'] as const) {
      const text = r[key];
      if (text === undefined) continue;
      const t = compileTemplate(text, deps.keywords);
      if (isTemplateError(t)) problems.push({ path: ['routes', index, key], message: t.message });
    }
    const routeId = r.id ?? `route-${index}`;
    const list: Target[] = [];
    for (const channel of r.channels) {
      const ch = deps.channels.get(channel);
      const limit = limitOf(r.limit ?? ch?.limit);
      const digest = digestOf(r.digest ?? ch?.digest);
      const settings: PolicySettings = {
        dedupMs: (r.dedup ?? ch?.dedup)?.window ?? 0,
        recovery: r.recovery,
        repeatMs: r.repeat,
        autoResolveMs: r.auto_resolve,
        ...(limit ? { limit } : {}),
        ...(digest ? { digest } : {}),
        ...(r.subject !== undefined ? { subject: r.subject } : {}),
        ...(r.template !== undefined ? { template: r.template } : {}),
      };
      const t: Target = { id: `${routeId}>${channel}`, channel, routeIndex: index, settings };
      targets.set(t.id, t);
      list.push(t);
    }
    return { matcher: matcher as Matcher, targets: list, continue: r.continue };
  });
  const ids = new Map<string, number>();
  routes.forEach((r, i) => {
    if (r.id === undefined) return;
    if (ids.has(r.id)) problems.push({ path: ['routes', i, 'id'], message: `duplicate route id "${r.id}" (also routes[${ids.get(r.id)}])` });
    ids.set(r.id, i);
  });

  const policy: RoutePolicy = {
    resolve(s) {
      const out: Target[] = [];
      const seen = new Set<string>();
      const rank = severityRank(s.severity);
      for (const r of compiled) {
        if (!r.matcher(s)) continue;
        for (const t of r.targets) {
          const min = deps.channels.get(t.channel)?.minSeverity;
          if (seen.has(t.channel) || (min && rank < severityRank(min))) continue;
          seen.add(t.channel);
          out.push(t);
        }
        if (!r.continue) break;
      }
      return out;
    },
    target: (id) => targets.get(id),
  };
  return { policy, problems };
}
