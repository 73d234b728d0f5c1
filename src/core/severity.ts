/**
 * Gateway severities and the mapping from syslog's eight levels onto them.
 * The order of SEVERITIES is the order of importance: index 0 is the lowest.
 */

export const SEVERITIES = ['debug', 'info', 'warning', 'error', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Syslog severity names, indexed by their RFC 5424 numeric code (0 = emerg). */
export const SYSLOG_SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
export type SyslogSeverityName = (typeof SYSLOG_SEVERITIES)[number];

/** Syslog facility names, indexed by their numeric code. */
export const SYSLOG_FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'security', 'console', 'solaris-cron',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;

/** Rank of a gateway severity: higher is more important. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Maps a syslog severity code (0..7) onto a gateway severity. */
export function severityFromSyslog(code: number): Severity {
  if (code <= 2) return 'critical';
  if (code === 3) return 'error';
  if (code === 4) return 'warning';
  if (code <= 6) return 'info';
  return 'debug';
}

/** A threshold such as ">=warning" or "error" (meaning ">=error"), compiled to a predicate on ranks. */
export interface SeverityThreshold {
  readonly op: '>=' | '>' | '<=' | '<' | '=';
  readonly rank: number;
}

const THRESHOLD = /^\s*(>=|<=|>|<|=)?\s*([a-z]+)\s*$/;

/**
 * Parses a threshold against an ordered list of names (lowest first). A bare name means ">=".
 * Returns undefined when the text is not a valid threshold.
 */
export function parseThreshold(text: string, names: readonly string[]): SeverityThreshold | undefined {
  const m = THRESHOLD.exec(text);
  if (!m) return undefined;
  const rank = names.indexOf(m[2]!);
  if (rank < 0) return undefined;
  return { op: (m[1] ?? '>=') as SeverityThreshold['op'], rank };
}

/** True when `rank` satisfies the threshold. */
export function meetsThreshold(rank: number, t: SeverityThreshold): boolean {
  switch (t.op) {
    case '>=': return rank >= t.rank;
    case '>': return rank > t.rank;
    case '<=': return rank <= t.rank;
    case '<': return rank < t.rank;
    case '=': return rank === t.rank;
  }
}

/** Syslog severity names ordered from least to most severe, for thresholds on syslog levels. */
export const SYSLOG_SEVERITIES_ASCENDING: readonly string[] = [...SYSLOG_SEVERITIES].reverse();
