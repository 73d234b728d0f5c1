/**
 * Routes: which classified events reach which channels. Evaluated in order; the first
 * match wins unless it says `continue: true`.
 */
import { z } from 'zod';
import { oneOrMany } from './common.js';

export const route = z.strictObject({
  match: z
    .strictObject({
      category: oneOrMany(z.string().min(1)).optional(),
      severity: z.string().optional().meta({ description: 'Minimum severity, e.g. ">=warning" or "error"' }),
      rule: oneOrMany(z.string().min(1)).optional(),
    })
    .default({}),
  channels: z.array(z.string().min(1)).min(1),
  continue: z.boolean().default(false),
});
export type RouteConfig = z.output<typeof route>;
