/**
 * Positions for config issues: maps a path inside a parsed YAML file back to line and
 * column, so every error names file, line, column and key.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';

export type ConfigPath = readonly (string | number)[];

export interface ConfigIssue {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted key path, e.g. `channels.hook.timeout` or `rules[3].match.message`. */
  readonly key: string;
  readonly message: string;
}

export interface SourceFile {
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
}

/** Formats a path as `a.b[2].c`. */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${p}` : p;
  }
  return out || '(top level)';
}

/**
 * Locates `path` in the file; with `key`, the position of that key inside the map at path
 * (for unknown keys). Falls back to the nearest ancestor that exists.
 */
export function locate(source: SourceFile, path: ConfigPath, key?: string): { line: number; column: number } {
  let node: unknown = source.doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  const steps = key === undefined ? path : [...path, key];
  for (let i = 0; i < steps.length; i++) {
    const found = child(node, steps[i]!);
    if (!found) break;
    // An unknown key points at the key itself; anything else at its value (or key if empty).
    const target = i === steps.length - 1 && key !== undefined ? found.keyNode : (found.node ?? found.keyNode);
    if (target?.range) offset = target.range[0];
    if (!found.node) break;
    node = found.node;
  }
  const pos = source.lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function child(node: unknown, step: string | number): { node: Node | undefined; keyNode?: Node } | undefined {
  if (isMap(node)) {
    for (const item of node.items) {
      if (isPair(item) && isScalar(item.key) && String(item.key.value) === String(step)) {
        return { node: (item.value ?? undefined) as Node | undefined, keyNode: item.key as Node };
      }
    }
    return undefined;
  }
  if (isSeq(node) && typeof step === 'number') {
    const item = node.items[step];
    return item ? { node: item as Node } : undefined;
  }
  return undefined;
}

/** Builds an issue at `path` in `source`. */
export function issueAt(source: SourceFile, path: ConfigPath, message: string, key?: string): ConfigIssue {
  const { line, column } = locate(source, path, key);
  return { file: source.file, line, column, key: formatPath(key === undefined ? path : [...path, key]), message };
}

/** `file:line:column key: message`, the one format every command prints. */
export function formatIssue(i: ConfigIssue): string {
  return `${i.file}:${i.line}:${i.column} ${i.key}: ${i.message}`;
}

/** Sorts issues by file, line, column. */
export function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return issues.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}
