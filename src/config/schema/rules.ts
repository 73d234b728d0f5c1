/**
 * Rule files (config/rules/*.yaml): how events are classified. A rule has conditions
 * (`match`, combinable with all/any/not), actions (category, severity, title, fields, key,
 * state, continue, drop) and examples that `eventgate check` runs. Conditions and
 * references are only shaped here; classify/compile.ts gives them meaning and checks them.
 */
import { z } from 'zod';
import { SEVERITIES, SYSLOG_FACILITIES } from '../../core/severity.js';
import { identifier, oneOrMany } from './common.js';

/** A scalar written in YAML (`3`, `true`, `Virus`), compared as text. */
const scalar = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

const valueSpec = z
  .strictObject({
    equals: scalar.optional(),
    in: z.array(scalar).min(1).optional(),
    contains: z.string().min(1).optional(),
    prefix: z.string().min(1).optional(),
    regex: z.string().min(1).optional().meta({ description: 'Named groups become fields' }),
    exists: z.boolean().optional(),
    gte: z.number().optional(),
    lte: z.number().optional(),
    ignore_case: z.boolean().default(false),
  })
  .refine((v) => ['equals', 'in', 'contains', 'prefix', 'regex', 'exists', 'gte', 'lte'].some((k) => k in v), 'give at least one of equals, in, contains, prefix, regex, exists, gte, lte');

/**
 * A condition on one value: a scalar (equal, case-insensitive), a list (one of them,
 * case-insensitive), or an object whose every test must hold.
 */
export const valueMatcher = z
  .union([scalar, z.array(scalar).min(1), valueSpec])
  .meta({ description: 'A value (equal, case-insensitive), a list (one of), or { equals | in | contains | prefix | regex | exists | gte | lte, ignore_case }' });

/** Message condition: a string is a regex; or `{ regex }` / `{ contains }` with `ignore_case`. */
export const messageMatcher = z
  .union([
    z.string().min(1),
    z.strictObject({ regex: z.string().min(1), ignore_case: z.boolean().default(false) }),
    z.strictObject({ contains: z.string().min(1), ignore_case: z.boolean().default(false) }),
  ])
  .meta({ description: 'A regex (string or { regex, ignore_case }) or { contains, ignore_case }; named groups become fields' });

const facility = z.union([z.enum(SYSLOG_FACILITIES), z.number().int().min(0).max(23)]);
export const PAYLOAD_FORMATS = ['cef', 'leef', 'json', 'kv'] as const;
const oid = z.union([z.string().min(1), z.number()]).transform((v) => String(v)).meta({ description: 'A numeric OID (1.3.6.1.4.1...) or a MIB name (MODULE::name or name)' });

export const trapMatch = z.strictObject({
  oid: oneOrMany(oid).optional().meta({ description: 'Trap OID, exact: numbers or MIB names' }),
  oid_prefix: oneOrMany(oid).optional().meta({ description: 'Trap OID under this subtree (numbers, whole arcs) or name prefix' }),
  version: oneOrMany(z.enum(['v1', 'v2c', 'v3'])).optional(),
  varbinds: z.record(z.string().min(1), valueMatcher).optional().meta({ description: 'Varbind (by numeric OID, OID prefix or MIB name) → value condition' }),
});

/** Conditions: every key given must hold; `all`, `any` and `not` nest further conditions. */
export const ruleMatch = z.strictObject({
  kind: z.enum(['syslog', 'trap']).optional(),
  listener: oneOrMany(z.string().min(1)).optional().meta({ description: 'Listener ids' }),
  peer: oneOrMany(z.string().min(1)).optional().meta({ description: 'Peer address in one of these CIDRs (10.0.0.0/8, 2001:db8::/32)' }),
  host: valueMatcher.optional(),
  app_name: valueMatcher.optional(),
  msg_id: valueMatcher.optional(),
  facility: oneOrMany(facility).optional(),
  severity: z.string().optional().meta({ description: 'Syslog severity threshold, e.g. ">=warning" or "err"' }),
  message: messageMatcher.optional(),
  sd: z.record(z.string().min(1), z.record(z.string().min(1), valueMatcher)).optional()
    .meta({ description: 'RFC 5424 structured data: SD-ID → param → value condition ({} = the element is present)' }),
  payload: z.strictObject({
    format: oneOrMany(z.enum(PAYLOAD_FORMATS)).optional(),
    fields: z.record(z.string().min(1), valueMatcher).optional(),
  }).optional().meta({ description: 'The parsed CEF/LEEF/JSON/key=value body' }),
  trap: trapMatch.optional(),
  get all() {
    return z.array(ruleMatch).min(1).optional();
  },
  get any() {
    return z.array(ruleMatch).min(1).optional();
  },
  get not() {
    return ruleMatch.optional();
  },
});
export type RuleMatch = z.output<typeof ruleMatch>;
export type ValueMatcherConfig = z.output<typeof valueMatcher>;

/**
 * A reference to a value of the event or of the fields so far: `field.NAME`,
 * `sd.SD-ID.PARAM`, `payload.format`, `payload.fields.NAME`, `varbind.NAME-OR-OID`,
 * `trap.oid`, `trap.name`, `host`, `app_name`, `msg_id`, `message`, `listener`, `peer`,
 * `facility`, `severity` (syslog name).
 */
const reference = z.string().min(1).meta({ description: 'field.NAME, sd.ID.PARAM, payload.fields.NAME, payload.format, varbind.NAME, trap.oid, trap.name, host, app_name, msg_id, message, listener, peer, facility, severity' });

const fieldAction = z.union([
  z.string().meta({ description: 'A %Keyword% template' }),
  z.strictObject({
    copy: oneOrMany(reference).meta({ description: 'The first of these references that has a value' }),
    map: z.record(z.string(), z.string()).optional().meta({ description: 'Translate the value (keys compared case-insensitively)' }),
    default: z.string().optional(),
  }),
  z.strictObject({ rename: z.string().min(1).meta({ description: 'A field (e.g. a regex group) moved to this name' }) }),
]);

const severityAction = z.union([
  z.enum(SEVERITIES),
  z.strictObject({
    from: reference,
    map: z.record(z.string(), z.enum(SEVERITIES)).meta({ description: 'Value → severity; keys compared case-insensitively; "a-b" is a numeric range' }),
    default: z.enum(SEVERITIES).optional().meta({ description: 'When the value is missing or not in the map; else mapped from syslog' }),
  }),
]);

const exampleVarbind = z.strictObject({
  oid: z.string().min(1),
  name: z.string().optional(),
  type: z.string().default('OctetString'),
  value: scalar,
});

export const ruleExample = z
  .strictObject({
    input: z.string().min(1).optional().meta({ description: 'A syslog line as the product sends it' }),
    trap: z.strictObject({
      oid: z.string().min(1),
      name: z.string().optional(),
      version: z.enum(['v1', 'v2c', 'v3']).default('v2c'),
      varbinds: z.array(exampleVarbind).default([]),
    }).optional().meta({ description: 'A trap as the SNMP listener decodes it' }),
    payload: z.strictObject({ format: z.enum(PAYLOAD_FORMATS), fields: z.record(z.string(), scalar) }).optional()
      .meta({ description: 'The payload the syslog parser yields for `input`; used only when the parser gives none' }),
    host: z.string().optional().meta({ description: 'Reporting host (traps; syslog takes it from the line)' }),
    peer: z.string().default('192.0.2.1'),
    listener: z.string().default('example'),
    expect: z.strictObject({
      category: z.string().optional(),
      severity: z.enum(SEVERITIES).optional(),
      rule: z.string().nullable().optional(),
      title: z.string().optional(),
      key: z.string().optional(),
      state: z.enum(['problem', 'recovery', 'event']).optional(),
      drop: z.boolean().optional(),
      fields: z.record(z.string(), scalar).optional(),
    }),
  })
  .refine((e) => (e.input === undefined) !== (e.trap === undefined), 'give exactly one of input and trap');

export const rule = z.strictObject({
  id: identifier,
  description: z.string().optional(),
  match: ruleMatch.default({}),
  category: z.string().min(1).optional().meta({ description: 'Required unless the rule has continue or drop' }),
  severity: severityAction.optional().meta({ description: 'Fixed, or { from, map, default }; default: mapped from the syslog severity' }),
  title: z.string().optional().meta({ description: 'Title template; default: the message' }),
  fields: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), fieldAction).default({})
    .meta({ description: 'NAME: template | { copy, map, default } | { rename }; named regex groups become fields too' }),
  key: z.string().optional().meta({ description: 'Key template for dedup and problem/recovery; default: rule id and host' }),
  state: z.enum(['problem', 'recovery', 'event']).default('event'),
  continue: z.boolean().default(false).meta({ description: 'Keep trying later rules; their fields merge over this rule\'s' }),
  drop: z.boolean().default(false).meta({ description: 'Discard the event: no notification' }),
  examples: z.array(ruleExample).default([]),
});
export type RuleConfig = z.output<typeof rule>;
export type RuleExample = z.output<typeof ruleExample>;

export const rulesFile = z.strictObject({
  rules: z.array(rule),
});
