/**
 * Key/value bodies in the two shapes security products use: `key=value` pairs separated by
 * spaces with optional double quotes (Sophos Firewall, Fortinet style), and `Key: Value`
 * pairs separated by commas (Symantec Endpoint Protection). At least two pairs are needed,
 * so ordinary prose is not taken for a list. Never throws.
 */
import { createFieldSink } from './fields.js';

const MIN_PAIRS = 2;
// key="quoted \" value" | key=bare-value
const EQ_PAIR = /(?:^|\s)([A-Za-z_][A-Za-z0-9_.\-/]{0,127})=(?:"((?:[^"\\]|\\.)*)"|([^\s"]*))(?=\s|$)/g;
const COLON_KEY = /^\s*([A-Za-z][A-Za-z0-9 _./-]{0,63}?)\s*:\s?(.*)$/s;

/** `key=value key2="a b"`; undefined with fewer than two pairs. */
export function parseEqualsPairs(text: string): Record<string, string> | undefined {
  const sink = createFieldSink();
  let pairs = 0;
  EQ_PAIR.lastIndex = 0;
  for (let m = EQ_PAIR.exec(text); m; m = EQ_PAIR.exec(text)) {
    pairs++;
    const quoted = m[2];
    sink.add(m[1]!, quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : m[3]!);
  }
  return pairs >= MIN_PAIRS ? sink.result() : undefined;
}

/**
 * `Virus found,IP Address: 10.0.0.5,Computer name: PC1,...`: comma-separated `Key: Value`
 * pairs. A leading segment without a colon is kept as `event`; a segment without a colon
 * after a pair continues the previous value (values may contain commas).
 */
export function parseColonPairs(text: string): Record<string, string> | undefined {
  const sink = createFieldSink();
  const segments = text.split(',');
  const pairs: [string, string][] = [];
  let event: string | undefined;
  for (const seg of segments) {
    const m = COLON_KEY.exec(seg);
    if (m) {
      pairs.push([m[1]!.trim(), m[2]!.trim()]);
    } else if (pairs.length > 0) {
      pairs[pairs.length - 1]![1] += `,${seg}`;
    } else if (event === undefined) {
      event = seg.trim();
    } else {
      return undefined;
    }
  }
  if (pairs.length < MIN_PAIRS) return undefined;
  if (event) sink.add('event', event);
  for (const [k, v] of pairs) sink.add(k, v);
  return sink.result();
}
