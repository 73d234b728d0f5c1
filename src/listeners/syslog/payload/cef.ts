/**
 * ArcSight Common Event Format: `CEF:Version|Vendor|Product|Version|SignatureID|Name|
 * Severity|key=value ...`, also written `CEF: 0|`. Header fields unescape `\|` and `\\`;
 * extension values unescape `\=`, `\\`, `\n`, `\r`, and a value runs up to the next
 * ` key=`. A `csNLabel=VirusName cs1=EICAR` pair also yields `VirusName=EICAR`. Never throws.
 */
import { createFieldSink } from './fields.js';

export const CEF_HEADER = ['cefVersion', 'deviceVendor', 'deviceProduct', 'deviceVersion', 'deviceEventClassId', 'name', 'severity'] as const;

const START = /(?:^|\s)CEF: ?(\d{1,3})\|/;

/**
 * Splits header fields at unescaped pipes; returns the fields and where the rest begins.
 * `escaped`: what a backslash makes literal (CEF: `|` and `\`; LEEF: `|` only).
 * `lastMayEnd`: the last field may run to the end of the text (LEEF without its final pipe).
 */
export function splitPipeHeader(text: string, start: number, count: number, escaped: string, lastMayEnd = false): { fields: string[]; end: number } | undefined {
  const fields: string[] = [];
  // A field is copied in runs between escapes (`cur` holds the runs before the last escape).
  let cur = '';
  let from = start;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */ && i + 1 < text.length && escaped.includes(text[i + 1]!)) {
      cur += text.slice(from, i) + text[i + 1];
      i++;
      from = i + 1;
    } else if (c === 0x7c /* | */) {
      fields.push(cur + text.slice(from, i));
      cur = '';
      from = i + 1;
      if (fields.length === count) return { fields, end: i + 1 };
    }
  }
  if (lastMayEnd && fields.length === count - 1) return { fields: [...fields, cur + text.slice(from)], end: text.length };
  return undefined;
}

/** A character of an extension key: `[A-Za-z0-9_.[\]-]`. */
function isKeyChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2e || c === 0x5b || c === 0x5d || c === 0x2d;
}

function unescapeValue(v: string): string {
  if (!v.includes('\\')) return v;
  return v.replace(/\\([\\=nr|])/g, (_m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

/** Extension pairs in order. A `=` that follows no valid key belongs to the value before it. */
export function parseCefExtension(text: string): [string, string][] {
  const keys: { key: string; start: number; eq: number }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c !== '=') continue;
    let k = i;
    while (k > 0 && isKeyChar(text.charCodeAt(k - 1))) k--;
    if (k === i || (k > 0 && text[k - 1] !== ' ')) continue;
    keys.push({ key: text.slice(k, i), start: k, eq: i });
  }
  return keys.map((k, n) => {
    const end = n + 1 < keys.length ? keys[n + 1]!.start : text.length;
    return [k.key, unescapeValue(text.slice(k.eq + 1, end).trimEnd())];
  });
}

/** Parses a CEF message; undefined when the text holds no complete CEF header. */
export function parseCef(text: string): Record<string, string> | undefined {
  const m = START.exec(text.length > 4096 ? text.slice(0, 4096) : text);
  if (!m) return undefined;
  const headerStart = m.index + m[0].length;
  const header = splitPipeHeader(text, headerStart, CEF_HEADER.length - 1, '|\\');
  if (!header) return undefined;
  const sink = createFieldSink();
  sink.add('cefVersion', m[1]!);
  header.fields.forEach((v, i) => sink.add(CEF_HEADER[i + 1]!, v));
  const pairs = parseCefExtension(text.slice(header.end));
  let labels = false;
  for (const [k, v] of pairs) {
    sink.add(k, v);
    if (k.endsWith('Label')) labels = true;
  }
  if (!labels) return sink.result();
  // Custom fields name themselves through their label: cs1Label=VirusName cs1=EICAR.
  const values = new Map(pairs);
  for (const [k, label] of pairs) {
    if (!k.endsWith('Label') || label === '') continue;
    const value = values.get(k.slice(0, -5));
    if (value !== undefined && /^[A-Za-z_][A-Za-z0-9_. -]{0,63}$/.test(label)) sink.add(label, value);
  }
  return sink.result();
}
