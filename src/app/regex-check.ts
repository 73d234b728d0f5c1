/**
 * The ReDoS analyser behind the regex safety gate: recheck (its native binary, driven
 * synchronously), with verdicts cached by pattern. recheck takes 0.1 to 10 s per pattern,
 * so verdicts are read from the shipped seed (config/regex-verdicts.json, written by
 * `npm run regex-verdicts`) and a user cache file, and new ones are written back after
 * each load. A cache entry is keyed by recheck's version, the flags and the pattern.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { RegexChecker, RegexVerdict } from '../classify/regex-safety.js';

const require = createRequire(import.meta.url);
/** The shipped seed, next to the rule packs (same relative path from src/ and dist/). */
export const SEED_FILE = resolve(import.meta.dirname, '../../config/regex-verdicts.json');
const CHECK_TIMEOUT_MS = 10_000;

interface Recheck {
  checkSync(source: string, flags: string, params?: Record<string, unknown>): {
    status: 'safe' | 'vulnerable' | 'unknown';
    complexity?: { type: string; summary?: string; degree?: number };
    attack?: { string: string };
    error?: { kind: string };
  };
}

let recheck: { mod: Recheck; version: string } | null | undefined;

function loadRecheck(): { mod: Recheck; version: string } | null {
  if (recheck !== undefined) return recheck;
  try {
    const mod = require('recheck') as Recheck;
    const version = (require('recheck/package.json') as { version: string }).version;
    recheck = { mod, version };
  } catch {
    recheck = null;
  }
  return recheck;
}

/** Where verdicts found on this machine are kept: env override, systemd cache dir, XDG. */
export function defaultCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EVENTGATE_REGEX_CACHE) return env.EVENTGATE_REGEX_CACHE;
  if (env.CACHE_DIRECTORY) return join(env.CACHE_DIRECTORY.split(':')[0]!, 'regex-verdicts.json');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'eventgate', 'regex-verdicts.json');
}

function readVerdicts(file: string): Record<string, RegexVerdict> {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, RegexVerdict>) : {};
  } catch {
    return {};
  }
}

export interface CachedChecker {
  readonly check: RegexChecker;
  /** Writes verdicts learned since creation to the cache file (best effort). */
  save(): void;
  /** Every verdict used or learned, by cache key (for writing the seed). */
  readonly used: ReadonlyMap<string, RegexVerdict>;
}

export function verdictKey(version: string, source: string, flags: string): string {
  return createHash('sha256').update(`${version}\0${flags}\0${source}`).digest('hex').slice(0, 40);
}

/**
 * A checker backed by recheck and the caches. Without recheck (not installed), it
 * returns undefined and the gate relies on its shape check alone.
 */
export function createCachedChecker(options: { cacheFile?: string; seedFile?: string } = {}): CachedChecker {
  const cacheFile = options.cacheFile ?? defaultCacheFile();
  const known: Record<string, RegexVerdict> = { ...readVerdicts(options.seedFile ?? SEED_FILE), ...readVerdicts(cacheFile) };
  const learned = new Map<string, RegexVerdict>();
  const used = new Map<string, RegexVerdict>();
  const check: RegexChecker = (source, flags) => {
    const r = loadRecheck();
    if (!r) return undefined;
    const key = verdictKey(r.version, source, flags);
    let v = known[key];
    if (!v) {
      v = analyse(r.mod, source, flags);
      // "unknown" is usually a timeout on a busy machine: worth asking again next time.
      if (v.status !== 'unknown') {
        known[key] = v;
        learned.set(key, v);
      }
    }
    used.set(key, v);
    return v;
  };
  return {
    check,
    used,
    save() {
      if (learned.size === 0) return;
      try {
        const merged = { ...readVerdicts(cacheFile), ...Object.fromEntries(learned) };
        mkdirSync(dirname(cacheFile), { recursive: true });
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(tmp, JSON.stringify(merged) + '\n');
        renameSync(tmp, cacheFile);
        learned.clear();
      } catch {
        // A read-only cache only costs time on the next load; the verdicts stay valid.
      }
    },
  };
}

function analyse(mod: Recheck, source: string, flags: string): RegexVerdict {
  try {
    const d = mod.checkSync(source, flags, { timeout: CHECK_TIMEOUT_MS });
    if (d.status === 'safe') return { status: 'safe' };
    if (d.status === 'vulnerable') {
      const c = d.complexity;
      const complexity = c?.type === 'polynomial' && c.degree ? `polynomial, degree ${c.degree}` : (c?.type ?? 'super-linear');
      return { status: 'vulnerable', complexity, ...(d.attack ? { attack: d.attack.string } : {}) };
    }
    return { status: 'unknown', reason: d.error?.kind ?? 'no verdict' };
  } catch (err) {
    return { status: 'unknown', reason: (err as Error).message };
  }
}
