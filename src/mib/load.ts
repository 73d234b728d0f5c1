/**
 * Loads MIB files with net-snmp's ModuleStore into an OidIndex. Every file of the given
 * directories is tried, in dependency order (IMPORTS ... FROM); a file that is not a MIB,
 * imports a module nobody provides, or fails to compile is reported by name and skipped,
 * never fatal. The parser's console chatter is captured, never printed to stdout.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { createOidIndex, type OidIndex } from './oid-index.js';

interface Parser {
  Modules: Record<string, unknown>;
  SymbolBuffer: Record<string, unknown>;
  CharBuffer: { Table: Record<string, unknown>; ModuleName: Record<string, unknown> };
}
interface ModuleStore {
  parser: Parser;
  loadFromFile(file: string): void;
  getModuleNames(includeBase?: boolean): string[];
}
const netSnmp = createRequire(import.meta.url)('net-snmp') as { createModuleStore(): ModuleStore };

/** The MIBs shipped with eventgate (`mibs/` at the package root), loaded before configured ones. */
export const BUILTIN_MIB_DIR = resolve(import.meta.dirname, '../../mibs');

export interface MibProblem {
  readonly file: string;
  readonly module?: string;
  readonly message: string;
}

export interface MibLoadResult {
  readonly index: OidIndex;
  /** Modules loaded from files (the base SMI modules net-snmp ships are always present). */
  readonly loaded: readonly { file: string; module: string }[];
  readonly problems: readonly MibProblem[];
}

const MAX_MIB_BYTES = 4 * 1024 * 1024;
const DEFINITIONS = /^\s*([A-Za-z][\w-]*)\s+DEFINITIONS\s*::=\s*BEGIN/m;

interface Candidate {
  readonly file: string;
  readonly module: string;
  readonly imports: readonly string[];
}

function stripComments(text: string): string {
  // ASN.1 comments run from "--" to the next "--" or the end of the line.
  return text.replace(/--.*?(--|$)/gm, '');
}

/** Reads a file's module name and imported modules; a problem when it is no MIB. */
function scan(file: string): Candidate | MibProblem {
  let text: string;
  try {
    if (statSync(file).size > MAX_MIB_BYTES) return { file, message: `larger than ${MAX_MIB_BYTES} bytes` };
    text = stripComments(readFileSync(file, 'latin1'));
  } catch (err) {
    return { file, message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  const def = DEFINITIONS.exec(text);
  if (!def) return { file, message: 'not a MIB module (no "NAME DEFINITIONS ::= BEGIN")' };
  const imports: string[] = [];
  const block = /\bIMPORTS\b([\s\S]*?);/.exec(text);
  if (block) for (const m of block[1]!.matchAll(/\bFROM\s+([A-Za-z][\w-]*)/g)) imports.push(m[1]!);
  return { file, module: def[1]!, imports };
}

function listFiles(dir: string): string[] | MibProblem {
  try {
    return readdirSync(dir)
      .filter((n) => !n.startsWith('.'))
      .sort()
      .map((n) => join(dir, n))
      .filter((p) => {
        try {
          return statSync(p).isFile();
        } catch {
          return false;
        }
      });
  } catch (err) {
    return { file: dir, message: `cannot read directory: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
}

/** Runs `fn` with console output captured (the MIB parser reports through console). */
function captureConsole<T>(fn: () => T): { value?: T; error?: unknown; output: string[] } {
  const output: string[] = [];
  const saved = { log: console.log, warn: console.warn, error: console.error, info: console.info };
  const sink = (...args: unknown[]) => void output.push(args.map(String).join(' '));
  console.log = console.warn = console.error = console.info = sink;
  try {
    return { value: fn(), output };
  } catch (error) {
    return { error, output };
  } finally {
    Object.assign(console, saved);
  }
}

/** Removes what a failed load left in the parser, so later files compile cleanly. */
function rollback(p: Parser, before: { modules: Set<string>; symbols: Set<string>; files: Set<string> }): void {
  for (const k of Object.keys(p.Modules)) if (!before.modules.has(k)) delete p.Modules[k];
  for (const k of Object.keys(p.SymbolBuffer)) if (!before.symbols.has(k)) delete p.SymbolBuffer[k];
  for (const k of Object.keys(p.CharBuffer.Table)) {
    if (!before.files.has(k)) {
      delete p.CharBuffer.Table[k];
      delete p.CharBuffer.ModuleName[k];
    }
  }
}

/** Loads the built-in MIB directory and `dirs` (absolute paths), in that order. */
export function loadMibs(dirs: readonly string[], options: { builtin?: string | null } = {}): MibLoadResult {
  const builtin = options.builtin === undefined ? BUILTIN_MIB_DIR : options.builtin;
  const problems: MibProblem[] = [];
  const loaded: { file: string; module: string }[] = [];
  const created = captureConsole(() => netSnmp.createModuleStore());
  if (!created.value) throw new Error(`net-snmp base MIBs failed to load: ${String(created.error)}`);
  const store = created.value;
  const available = new Set(store.getModuleNames(true));

  const pending: Candidate[] = [];
  const seen = new Map<string, string>();
  for (const dir of builtin ? [builtin, ...dirs] : dirs) {
    const files = listFiles(dir);
    if (!Array.isArray(files)) {
      if (dir !== builtin) problems.push(files);
      continue;
    }
    for (const file of files) {
      const c = scan(file);
      if ('message' in c) problems.push(c);
      else if (available.has(c.module) || seen.has(c.module)) {
        problems.push({ file, module: c.module, message: `module ${c.module} is already loaded${seen.has(c.module) ? ` from ${seen.get(c.module)}` : ''}; skipped` });
      } else {
        seen.set(c.module, file);
        pending.push(c);
      }
    }
  }

  // Dependency order: load whatever has all its imports; repeat until nothing moves.
  let progress = true;
  while (pending.length && progress) {
    progress = false;
    for (let i = 0; i < pending.length; i++) {
      const c = pending[i]!;
      if (!c.imports.every((m) => available.has(m))) continue;
      pending.splice(i--, 1);
      progress = true;
      const p = store.parser;
      const before = { modules: new Set(Object.keys(p.Modules)), symbols: new Set(Object.keys(p.SymbolBuffer)), files: new Set(Object.keys(p.CharBuffer.Table)) };
      const r = captureConsole(() => store.loadFromFile(c.file));
      if (r.error !== undefined || !store.getModuleNames(true).includes(c.module)) {
        rollback(p, before);
        const why = r.error instanceof Error ? r.error.message : (r.output[0] ?? 'module did not compile');
        problems.push({ file: c.file, module: c.module, message: `failed to compile: ${why}` });
        continue;
      }
      available.add(c.module);
      loaded.push({ file: c.file, module: c.module });
      for (const line of r.output) problems.push({ file: c.file, module: c.module, message: `warning: ${line}` });
    }
  }
  for (const c of pending) {
    const missing = c.imports.filter((m) => !available.has(m));
    problems.push({ file: c.file, module: c.module, message: `imports ${missing.join(', ')}, which no loaded MIB provides; skipped` });
  }

  // Every named object, module by module in load order (base modules first).
  const entries: [string, string, string][] = [];
  for (const [module, objects] of Object.entries(store.parser.Modules)) {
    if (!objects || typeof objects !== 'object') continue;
    for (const o of Object.values(objects as Record<string, { OID?: unknown; ObjectName?: unknown }>)) {
      if (o && typeof o.OID === 'string' && typeof o.ObjectName === 'string') entries.push([o.OID, module, o.ObjectName]);
    }
  }
  return { index: createOidIndex(entries), loaded, problems };
}
