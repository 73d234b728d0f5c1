/**
 * The root logger factory. One pino logger per gateway, JSON lines on stdout (journald reads
 * them); components take `log.child({ component, id })`. Untrusted text is nested under
 * `event`, never spread into top-level keys; pino's JSON escaping keeps control bytes out.
 */
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Key names whose values are always replaced, wherever they appear two levels deep. */
const REDACT = ['password', 'pass', 'secret', 'community', 'communities', 'auth_key', 'priv_key', 'token'];

export function createLogger(options: { level: LevelWithSilent; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'eventgate' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...REDACT, ...REDACT.map((k) => `*.${k}`)], censor: '<secret>' },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
