/**
 * The root logger factory. One pino logger per gateway, JSON lines on stdout (journald reads
 * them); components take `log.child({ component, id })`. Untrusted text is nested under
 * `event`, never spread into top-level keys; pino's JSON escaping keeps control bytes out.
 */
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { readableDestination } from './log-format.js';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Key names whose values are always replaced, wherever they appear two levels deep. */
const REDACT = ['password', 'pass', 'secret', 'community', 'communities', 'auth_key', 'priv_key', 'token'];

/** `readable`: one plain line per record instead of JSON (for a terminal; journald gets JSON). */
export function createLogger(options: { level: LevelWithSilent; destination?: DestinationStream; readable?: boolean }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'eventgate' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...REDACT, ...REDACT.map((k) => `*.${k}`)], censor: '<secret>' },
    },
    options.destination ?? (options.readable ? readableDestination() : pino.destination({ dest: 1, sync: true })),
  );
}
