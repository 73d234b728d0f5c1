/**
 * `eventgate events`: the event history, newest first. Text output is one line per event
 * with control characters made visible; `--json` prints one JSON object per line.
 */
import { parseDuration } from '../config/schema/common.js';
import { escapeControls } from '../core/text.js';
import { queryEvents } from '../store/history.js';
import { UsageError } from './args.js';
import type { Io } from './check.js';
import { openState, parseInstant, parseOptions } from './state-access.js';

export function events(configFile: string, rest: readonly string[], io: Io): number {
  const { values, positionals } = parseOptions(rest, {
    since: { type: 'string' }, until: { type: 'string' }, category: { type: 'string' }, host: { type: 'string' },
    limit: { type: 'string' }, json: { type: 'boolean' },
  });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const now = Date.now();
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit needs a positive whole number');
  const q = {
    limit,
    ...(values.since !== undefined ? { since: parseInstant(values.since, now, parseDuration) } : {}),
    ...(values.until !== undefined ? { until: parseInstant(values.until, now, parseDuration) } : {}),
    ...(values.category !== undefined ? { category: values.category } : {}),
    ...(values.host !== undefined ? { host: values.host } : {}),
  };
  const db = openState(configFile, io);
  if (typeof db === 'number') return db;
  try {
    for (const e of queryEvents(db, q)) {
      if (values.json) {
        io.stdout(JSON.stringify(e) + '\n');
        continue;
      }
      const notified = e.silenced ? `silenced by ${e.silenced}` : `${e.notifications.length} notification(s)`;
      io.stdout(`${new Date(e.receivedAt).toISOString()} ${e.severity.padEnd(8)} ${e.category.padEnd(16)} ${escapeControls(e.host)} `
        + `${e.ruleId ?? '-'} ${e.state} ${escapeControls(e.title)} [${notified}]\n`);
    }
  } finally {
    db.close();
  }
  return 0;
}
