/**
 * Rule files (config/rules/*.yaml): how events are classified. A rule has conditions
 * (`match`), actions (category, severity, title, fields, key, state) and examples that
 * `eventgate check` runs.
 */
import { z } from 'zod';
import { SEVERITIES, SYSLOG_FACILITIES } from '../../core/severity.js';
import { identifier, oneOrMany } from './common.js';

const regexSpec = z.strictObject({
  regex: z.string().min(1),
  ignore_case: z.boolean().default(false),
});
const containsSpec = z.strictObject({
  contains: z.string().min(1),
  ignore_case: z.boolean().default(false),
});

/** Message condition: a string is a regex; or `{ regex }` / `{ contains }` with `ignore_case`. */
export const messageMatcher = z
  .union([z.string().min(1), regexSpec, containsSpec])
  .meta({ description: 'A regex (string or { regex, ignore_case }) or { contains, ignore_case }; named groups become fields' });

/** Host or app-name condition: a string (exact, case-insensitive), a list of them, or `{ regex }`. */
export const nameMatcher = z.union([z.string().min(1), z.array(z.string().min(1)).min(1), regexSpec]);

const facility = z.union([z.enum(SYSLOG_FACILITIES), z.number().int().min(0).max(23)]);

export const ruleMatch = z.strictObject({
  kind: z.enum(['syslog', 'trap']).optional(),
  host: nameMatcher.optional(),
  app_name: nameMatcher.optional(),
  facility: oneOrMany(facility).optional(),
  severity: z.string().optional().meta({ description: 'Syslog severity threshold, e.g. ">=warning" or "err"' }),
  message: messageMatcher.optional(),
});

export const ruleExample = z.strictObject({
  input: z.string().min(1).meta({ description: 'A syslog line as the product sends it' }),
  expect: z.strictObject({
    category: z.string().optional(),
    severity: z.enum(SEVERITIES).optional(),
    rule: z.string().nullable().optional(),
    fields: z.record(z.string(), z.string()).optional(),
  }),
});

export const rule = z.strictObject({
  id: identifier,
  description: z.string().optional(),
  match: ruleMatch,
  category: z.string().min(1),
  severity: z.enum(SEVERITIES).optional().meta({ description: 'Default: mapped from the syslog severity' }),
  title: z.string().optional().meta({ description: 'Title template; default: the message' }),
  fields: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
  key: z.string().optional().meta({ description: 'Key template for dedup and problem/recovery; default: rule id and host' }),
  state: z.enum(['problem', 'recovery', 'event']).default('event'),
  examples: z.array(ruleExample).default([]),
});
export type RuleConfig = z.output<typeof rule>;

export const rulesFile = z.strictObject({
  rules: z.array(rule),
});
