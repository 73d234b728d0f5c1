/**
 * Shared value types of the config: durations and sizes with units, secret references.
 * Durations and sizes are parsed here and nowhere else.
 */
import { z } from 'zod';
import { SecretReference } from '../secrets.js';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const DURATION_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Parses "30s", "10m", "2h", "30d", "250ms" or "0" into milliseconds; undefined if invalid. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const m = DURATION.exec(text);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * DURATION_MS[m[2] as keyof typeof DURATION_MS]);
}

/** A duration with a unit (`30s`, `10m`, `2h`, `30d`, `250ms`; `0`), as milliseconds. */
export const duration = z
  .union([z.string(), z.number()])
  .meta({ description: 'A duration with a unit: 250ms, 30s, 10m, 2h, 30d; 0 for none' })
  .transform((v, ctx) => {
    const ms = v === 0 ? 0 : typeof v === 'number' ? undefined : parseDuration(v);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `invalid duration ${JSON.stringify(v)}: use a number with a unit, e.g. 30s, 10m, 2h` });
      return z.NEVER;
    }
    return ms;
  });

const SIZE = /^(\d+)(B|KiB|MiB|GiB|KB|MB|GB)?$/;
const SIZE_BYTES = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, KB: 1000, MB: 1000 ** 2, GB: 1000 ** 3 } as const;

/** A size in bytes, as a number or with a unit (`64KiB`, `4MiB`). */
export const size = z
  .union([z.string(), z.number().int().nonnegative()])
  .meta({ description: 'A size: a number of bytes, or with a unit: 64KiB, 4MiB' })
  .transform((v, ctx) => {
    if (typeof v === 'number') return v;
    const m = SIZE.exec(v);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: `invalid size "${v}": use e.g. 65536, 64KiB or 4MiB` });
      return z.NEVER;
    }
    return Number(m[1]) * SIZE_BYTES[(m[2] ?? 'B') as keyof typeof SIZE_BYTES];
  });

/** A reference to a secret: an environment variable or a file; never the value inline. */
export const secretRef = z
  .union([
    z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) }),
    z.strictObject({ file: z.string().min(1) }),
  ])
  .meta({ description: 'A secret by reference: { env: NAME } or { file: PATH }' })
  .transform((spec) => new SecretReference(spec));

/** A user-chosen id: letters, digits, `-`, `_`, `.`. */
export const identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'use letters, digits, "-", "_" and "." (at most 64)');

/** One value or a list of them, always a list after parsing. */
export function oneOrMany<T extends z.ZodType>(item: T) {
  return z.union([item, z.array(item).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);
}
