/**
 * Opens the state database named by a config file, for the commands that read or manage
 * it (events, outbox, silence). The same loader as `run`, so the same directory; safe while
 * the service runs (WAL: readers never block it; writes wait for each other briefly).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { stateDir } from '../app/state.js';
import { loadConfig } from '../config/load.js';
import { openDatabase, type Db } from '../store/database.js';
import { UsageError } from './args.js';
import type { Io } from './check.js';
import { printIssues } from './load-plan.js';

export function openState(configFile: string, io: Io): Db | number {
  const loaded = loadConfig(configFile);
  if (!loaded.ok) {
    printIssues(loaded.issues, io.stderr);
    return 1;
  }
  const c = loaded.loaded.config.store;
  try {
    return openDatabase(stateDir(loaded.loaded, process.env), { synchronous: c.synchronous });
  } catch (err) {
    io.stderr(`${(err as Error).message}\n`);
    return 1;
  }
}

/** node:util parseArgs with usage errors as UsageError (exit 2). */
export function parseOptions<T extends ParseArgsConfig['options']>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** A time: ISO 8601, or a duration back from now (`1h`, `30m`). */
export function parseInstant(text: string, now: number, parseDuration: (t: string) => number | undefined): number {
  const d = parseDuration(text);
  if (d !== undefined) return now - d;
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new UsageError(`invalid time "${text}": use e.g. 1h (ago) or 2026-11-22T10:00:00Z`);
  return t;
}
