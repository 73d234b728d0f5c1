/**
 * IBM QRadar Log Event Extended Format. LEEF 1.0: `LEEF:1.0|Vendor|Product|Version|EventID|`
 * then TAB-separated `key=value` attributes. LEEF 2.0 adds an optional delimiter field after
 * EventID: one character, or its hex code (`x5E`, `0x5E`, `^`); TAB when absent. A `\|` in
 * the header is a literal pipe. Never throws.
 */
import { parseCefExtension, splitPipeHeader } from './cef.js';
import { createFieldSink } from './fields.js';

const START = /(?:^|\s)LEEF: ?([12]\.0)\|/;
const HEX_DELIMITER = /^(?:0?x)([0-9A-Fa-f]{2,4})$/;

/** Reads a LEEF 2.0 delimiter field; undefined when the field is not one. */
function delimiterOf(field: string): string | undefined {
  if (field.length === 1) return field;
  const hex = HEX_DELIMITER.exec(field);
  if (hex) return String.fromCodePoint(parseInt(hex[1]!, 16));
  return undefined;
}

/** Parses a LEEF message; undefined when the text holds no LEEF header. */
export function parseLeef(text: string): Record<string, string> | undefined {
  const m = START.exec(text.length > 4096 ? text.slice(0, 4096) : text);
  if (!m) return undefined;
  const version = m[1]!;
  // A header without the trailing pipe after EventID (seen in the wild) ends the text.
  const header = splitPipeHeader(text, m.index + m[0].length, 4, '|', true);
  if (!header) return undefined;
  let rest = text.slice(header.end);
  let delimiter = '\t';
  if (version === '2.0') {
    const bar = rest.indexOf('|');
    const candidate = bar >= 0 ? delimiterOf(rest.slice(0, bar)) : undefined;
    // `|` right away means an empty delimiter field (TAB).
    if (bar === 0) rest = rest.slice(1);
    else if (candidate !== undefined) {
      delimiter = candidate;
      rest = rest.slice(bar + 1);
    }
  }
  const sink = createFieldSink();
  sink.add('leefVersion', version);
  const [vendor, product, productVersion, eventId] = header.fields;
  sink.add('deviceVendor', vendor!);
  sink.add('deviceProduct', product!);
  sink.add('deviceVersion', productVersion!);
  sink.add('eventId', eventId!);
  if (delimiter === '\t' && !rest.includes('\t')) {
    // Some LEEF 1.0 senders separate attributes with spaces, CEF style.
    for (const [k, v] of parseCefExtension(rest)) sink.add(k, v);
    return sink.result();
  }
  for (const attr of rest.split(delimiter)) {
    const eq = attr.indexOf('=');
    if (eq <= 0) continue;
    sink.add(attr.slice(0, eq).trim(), attr.slice(eq + 1));
  }
  return sink.result();
}
