/**
 * JSON bodies (ESET PROTECT and others send one JSON object after a BSD header). Nested
 * objects flatten to dotted keys (`detection.name`), arrays to indices (`tags.0`); scalars
 * become strings, null an empty string. Depth and field count are bounded. Never throws.
 */
import { createFieldSink, type FieldSink } from './fields.js';

const MAX_DEPTH = 8;

function flatten(sink: FieldSink, prefix: string, value: unknown, depth: number): void {
  if (value === null) return sink.add(prefix, '');
  if (typeof value !== 'object') return sink.add(prefix, String(value));
  if (depth >= MAX_DEPTH) return;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [k, v] of entries) flatten(sink, prefix ? `${prefix}.${k}` : k, v, depth + 1);
}

/** Parses a message that is one JSON object (surrounding whitespace allowed); else undefined. */
export function parseJsonPayload(text: string): Record<string, string> | undefined {
  const t = text.trim();
  if (t.length < 2 || t[0] !== '{' || t[t.length - 1] !== '}') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(t);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const sink = createFieldSink();
  flatten(sink, '', value, 0);
  return sink.result();
}
