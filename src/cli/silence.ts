/**
 * `eventgate silence add|list|remove`: maintenance windows added at run time. They live in
 * the store; a running gateway picks them up within a second. `--match` takes KEY=VALUE
 * (category, severity, rule, host, product, field.NAME), validated like the config's.
 */
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { parseDuration } from '../config/schema/common.js';
import { eventMatch } from '../config/schema/routes.js';
import { escapeControls } from '../core/text.js';
import { addSilence, listSilences, removeSilence } from '../store/state.js';
import { UsageError } from './args.js';
import type { Io } from './check.js';
import { openState, parseOptions } from './state-access.js';

const LIST_KEYS = new Set(['category', 'rule', 'host', 'product']);

function matchFrom(pairs: readonly string[]): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  const fields: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--match needs KEY=VALUE, got "${p}"`);
    const key = p.slice(0, eq);
    const value = p.slice(eq + 1);
    if (key.startsWith('field.')) fields[key.slice(6)] = value;
    else if (LIST_KEYS.has(key)) m[key] = [...((m[key] as string[] | undefined) ?? []), value];
    else if (key === 'severity') m.severity = value;
    else throw new UsageError(`unknown match key "${key}": use category, severity, rule, host, product or field.NAME`);
  }
  if (Object.keys(fields).length) m.fields = fields;
  const parsed = eventMatch.safeParse(m);
  if (!parsed.success) throw new UsageError(`invalid match: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return m;
}

export function silence(configFile: string, rest: readonly string[], io: Io): number {
  const [action, ...args] = rest;
  const { values, positionals } = parseOptions(args, {
    match: { type: 'string', multiple: true }, for: { type: 'string' }, start: { type: 'string' }, end: { type: 'string' },
    comment: { type: 'string' }, json: { type: 'boolean' },
  });
  const now = Date.now();
  let add: Parameters<typeof addSilence>[1] | undefined;
  if (action === 'add') {
    if (!values.match?.length) throw new UsageError('silence add needs at least one --match KEY=VALUE');
    const start = values.start === undefined ? now : Date.parse(values.start);
    if (Number.isNaN(start)) throw new UsageError(`invalid --start "${values.start}"`);
    let end: number;
    if (values.for !== undefined) {
      const d = parseDuration(values.for);
      if (d === undefined || d <= 0) throw new UsageError(`invalid --for "${values.for}": use e.g. 2h`);
      end = start + d;
    } else if (values.end !== undefined) {
      end = Date.parse(values.end);
      if (Number.isNaN(end)) throw new UsageError(`invalid --end "${values.end}"`);
    } else throw new UsageError('silence add needs --for DURATION or --end TIME');
    if (end <= start) throw new UsageError('the silence must end after it starts');
    add = {
      id: `s-${randomBytes(4).toString('hex')}`, match: matchFrom(values.match), startsAt: start, endsAt: end,
      comment: values.comment ?? '', createdAt: now, createdBy: safeUser(),
    };
  } else if (action === 'remove') {
    if (positionals.length !== 1) throw new UsageError('silence remove needs one silence id');
  } else if (action !== 'list') throw new UsageError('silence needs add, list or remove');

  const db = openState(configFile, io);
  if (typeof db === 'number') return db;
  try {
    if (add) {
      addSilence(db, add);
      io.stdout(`${add.id} silences ${JSON.stringify(add.match)} from ${new Date(add.startsAt).toISOString()} to ${new Date(add.endsAt).toISOString()}\n`);
      return 0;
    }
    if (action === 'remove') {
      if (removeSilence(db, positionals[0]!)) {
        io.stdout(`${positionals[0]} removed\n`);
        return 0;
      }
      io.stderr(`no silence ${positionals[0]}\n`);
      return 1;
    }
    for (const s of listSilences(db)) {
      const state = now < s.startsAt ? 'pending' : now < s.endsAt ? 'active' : 'expired';
      if (values.json) io.stdout(JSON.stringify({ ...s, state }) + '\n');
      else io.stdout(`${s.id} ${state} ${new Date(s.startsAt).toISOString()} .. ${new Date(s.endsAt).toISOString()} ${JSON.stringify(s.match)} ${escapeControls(s.comment)} (by ${s.createdBy})\n`);
    }
    return 0;
  } finally {
    db.close();
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}
