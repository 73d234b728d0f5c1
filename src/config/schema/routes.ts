/**
 * Routes: which classified events reach which channels, and the per-route policy. Evaluated
 * in order; the first match wins unless it says `continue: true`. `eventMatch` is shared by
 * routes, silences and absence rules.
 */
import { z } from 'zod';
import { duration, identifier, oneOrMany } from './common.js';

const fieldMatcher = z.union([
  z.string(),
  z.strictObject({ regex: z.string().min(1), ignore_case: z.boolean().default(false) }),
]).meta({ description: 'A value (exact, case-insensitive) or { regex, ignore_case }' });

/** Conditions on a classified event; every condition given must hold. */
export const eventMatch = z.strictObject({
  category: oneOrMany(z.string().min(1)).optional(),
  severity: z.string().optional().meta({ description: 'Minimum severity, e.g. ">=warning" or "error"' }),
  rule: oneOrMany(z.string().min(1)).optional(),
  host: oneOrMany(z.string().min(1)).optional()
    .meta({ description: 'Host names (exact, case-insensitive) or addresses/CIDRs (10.0.0.0/8, 2001:db8::/32); matches the reporting host or the sender address' }),
  product: oneOrMany(z.string().min(1)).optional().meta({ description: 'The Product field a rule sets (exact, case-insensitive)' }),
  fields: z.record(z.string().min(1), fieldMatcher).optional(),
});
export type EventMatchConfig = z.output<typeof eventMatch>;

export const limitSpec = z.strictObject({
  count: z.number().int().min(1),
  per: duration,
  per_key: z.boolean().default(false).meta({ description: 'Count each event key separately' }),
}).meta({ description: 'At most `count` notifications per `per`; then one summary when the window ends' });

export const digestSpec = z.strictObject({
  interval: duration.meta({ description: 'Collect notifications this long, then send them together; 0 = at once' }),
  mode: z.enum(['combined', 'each']).default('combined').meta({ description: 'combined: one message with every item; each: one message per item' }),
  max_items: z.number().int().min(1).max(10_000).default(500),
});

export const dedupSpec = z.strictObject({
  window: duration.meta({ description: 'Repeats of one key inside this window fold into one follow-up carrying %Count%; 0 = off' }),
});

export const route = z.strictObject({
  id: identifier.optional().meta({ description: 'Names the route in state and logs; default route-<index>' }),
  match: eventMatch.default({}),
  channels: z.array(z.string().min(1)).min(1),
  continue: z.boolean().default(false),
  subject: z.string().optional().meta({ description: "Overrides the channel's subject template" }),
  template: z.string().optional().meta({ description: "Overrides the channel's body/line template" }),
  digest: digestSpec.optional(),
  limit: limitSpec.optional(),
  dedup: dedupSpec.optional(),
  recovery: z.boolean().default(true).meta({ description: 'Notify when a notified problem clears' }),
  repeat: duration.prefault('0').meta({ description: 'Re-notify an open problem this often; 0 = never' }),
  auto_resolve: duration.prefault('0').meta({ description: 'Close a problem not seen again for this long; 0 = never' }),
});
export type RouteConfig = z.output<typeof route>;
