/**
 * The HTTP endpoint section (`/healthz`, `/metrics`). Off unless `listen` names an address;
 * `listen` is `host:port` (`[v6]:port` for IPv6), port 0 picks a free one (tests).
 */
import { z } from 'zod';

/** Splits `host:port` / `[v6]:port`; undefined when it is neither. */
export function parseListen(text: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host: (m[1] ?? m[2])!, port };
}

export const httpSection = z.strictObject({
  listen: z
    .string()
    .default('')
    .refine((v) => v === '' || parseListen(v) !== undefined, { message: 'use host:port, e.g. "127.0.0.1:9164" or "[::1]:9164"; "" turns it off' })
    .meta({ description: 'Address of /healthz and /metrics, e.g. "127.0.0.1:9164"; "" (the default) turns them off' }),
});
export type HttpConfig = z.output<typeof httpSection>;
