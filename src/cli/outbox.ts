/**
 * `eventgate outbox list|retry|purge`: what waits for delivery and what was given up.
 * Works on a stopped gateway and on a running one (it notices within a second).
 */
import { escapeControls } from '../core/text.js';
import { listOutbox, purgeOutbox, retryOutbox } from '../store/admin.js';
import { UsageError } from './args.js';
import type { Io } from './check.js';
import { openState, parseOptions } from './state-access.js';

export function outbox(configFile: string, rest: readonly string[], io: Io): number {
  const [action, ...args] = rest;
  const { values, positionals: ids } = parseOptions(args, {
    dead: { type: 'boolean' }, channel: { type: 'string' }, json: { type: 'boolean' }, all: { type: 'boolean' }, limit: { type: 'string' },
  });
  if (action !== 'list' && action !== 'retry' && action !== 'purge') throw new UsageError('outbox needs list, retry or purge');
  if (action === 'purge' && !values.all && values.channel === undefined && ids.length === 0) {
    throw new UsageError('outbox purge needs --all, --channel C or notification ids');
  }
  const sel = { ...(values.channel !== undefined ? { channel: values.channel } : {}), ...(ids.length ? { ids } : {}) };
  const db = openState(configFile, io);
  if (typeof db === 'number') return db;
  try {
    if (action === 'list') {
      const limit = values.limit === undefined ? 1000 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit needs a positive whole number');
      const { total, entries } = listOutbox(db, { dead: values.dead ?? false, ...sel }, limit);
      if (values.json) {
        io.stdout(JSON.stringify({ total, entries }) + '\n');
        return 0;
      }
      for (const e of entries) {
        const when = `${values.dead ? 'died' : 'next'} ${new Date(e.at).toISOString()}`;
        const err = e.error ? ` last error ${e.error.code}: ${escapeControls(e.error.message)}` : '';
        io.stdout(`${e.id} ${e.channel} ${e.severity} ${e.kind} attempts ${e.attempts} ${when}${err} ${escapeControls(e.title)}\n`);
      }
      io.stdout(`${total} ${values.dead ? 'dead letter(s)' : 'pending notification(s)'}${total > entries.length ? ` (${entries.length} shown)` : ''}\n`);
      return 0;
    }
    if (action === 'retry') {
      const r = retryOutbox(db, sel, Date.now());
      io.stdout(`${r.revived} dead letter(s) back in the outbox, ${r.rescheduled} pending notification(s) due now\n`);
      return 0;
    }
    const n = purgeOutbox(db, { dead: values.dead ?? false, ...sel });
    io.stdout(`${n} ${values.dead ? 'dead letter(s)' : 'pending notification(s)'} removed\n`);
    return 0;
  } finally {
    db.close();
  }
}
