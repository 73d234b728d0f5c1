/**
 * RFC 3164 ("BSD syslog") as products really send it: the classic `Mmm dd hh:mm:ss`
 * timestamp (with or without a year), an RFC 3339 timestamp instead, a missing timestamp,
 * a missing hostname, and a TAG with or without `[pid]`. Never throws.
 */
import { validTimestamp } from './parse-rfc5424.js';

export interface Rfc3164Parts {
  timestamp?: string;
  hostname?: string;
  appName?: string;
  procId?: string;
  message: string;
  problem?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// "Oct 11 22:14:15", "Oct  1 22:14:15", "Oct 11 2026 22:14:15", optional fraction.
const BSD_TIME = /^([A-Z][a-z]{2}) ([ 0-9]\d)(?: (\d{4}))? (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(?: |$)/;
const ISO_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})) /;
const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9._:%-]{0,254}$/;
const TAG = /^([\x21-\x39\x3b-\x5a\x5c-\x7e]{1,48}?)(?:\[([\x21-\x5c\x5e-\x7e]{0,128})\])?: ?/;

/**
 * Parses everything after `<PRI>`. `now` is used to infer the year of a year-less
 * timestamp (a date more than a day in the future belongs to the previous year).
 */
export function parseRfc3164(rest: string, now: number): Rfc3164Parts {
  const out: Rfc3164Parts = { message: '' };
  let pos = 0;
  // Each pattern needs its first character (a digit, a capital): skip the regex otherwise.
  const c0 = rest.charCodeAt(0);
  const iso = c0 >= 0x30 && c0 <= 0x39 ? ISO_TIME.exec(rest) : null;
  const bsd = iso || c0 < 0x41 || c0 > 0x5a ? null : BSD_TIME.exec(rest);
  if (iso) {
    if (validTimestamp(iso[1]!)) out.timestamp = iso[1]!;
    else out.problem = 'invalid timestamp';
    pos = iso[0].length;
  } else if (bsd) {
    const ts = bsdTimestamp(bsd, now);
    if (ts) out.timestamp = ts;
    else out.problem = 'invalid timestamp';
    pos = bsd[0].length;
  }
  const hadTimestamp = pos > 0;
  // HOSTNAME: only after a timestamp, and only if the token is not itself a TAG.
  if (hadTimestamp) {
    const sp = rest.indexOf(' ', pos);
    const token = sp < 0 ? '' : rest.slice(pos, sp);
    if (token && !token.endsWith(':') && !token.includes('[') && HOSTNAME.test(token)) {
      out.hostname = token;
      pos = sp + 1;
    }
  }
  const tail = rest.slice(pos);
  const tag = TAG.exec(tail);
  // `host CEF:0|...` and `host LEEF:1.0|...` carry no tag: the payload starts right there.
  if (tag && !((tag[1] === 'CEF' || tag[1] === 'LEEF') && /^(?:CEF|LEEF): ?\d/.test(tail))) {
    out.appName = tag[1]!;
    if (tag[2] !== undefined && tag[2] !== '') out.procId = tag[2];
    out.message = tail.slice(tag[0].length);
  } else {
    out.message = tail;
  }
  return out;
}

/**
 * Conversions of recent timestamps, keyed by their text. A year-less timestamp's answer
 * depends on `now` (the year is inferred), so each entry holds the range of `now` it is
 * right for. Bounded: cleared when full (a busy gateway sees few distinct seconds at once).
 */
const CACHE_MAX = 512;
const cache = new Map<string, { readonly iso: string | undefined; readonly from: number; readonly until: number }>();

function bsdTimestamp(m: RegExpExecArray, now: number): string | undefined {
  const hit = cache.get(m[0]);
  if (hit && now >= hit.from && now < hit.until) return hit.iso;
  const entry = convertBsd(m, now);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(m[0], entry);
  return entry.iso;
}

function convertBsd(m: RegExpExecArray, now: number): { iso: string | undefined; from: number; until: number } {
  const month = MONTHS.indexOf(m[1]!);
  const day = Number(m[2]!.trim());
  const [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (month < 0 || day < 1 || day > 31 || h > 23 || mi > 59 || s > 60) return { iso: undefined, from: -Infinity, until: Infinity };
  const nowDate = new Date(now);
  let year = m[3] ? Number(m[3]) : nowDate.getFullYear();
  const build = (y: number) => new Date(y, month, day, h, mi, Math.min(s, 59));
  let date = build(year);
  let from = -Infinity;
  let until = Infinity;
  if (!m[3]) {
    // The answer holds while `now` stays in this local year and on the same side of the
    // "more than a day in the future" line.
    const line = date.getTime() - 86_400_000;
    from = new Date(year, 0, 1).getTime();
    until = new Date(year + 1, 0, 1).getTime();
    if (now < line) {
      until = Math.min(until, line);
      date = build(--year);
    } else {
      from = Math.max(from, line);
    }
  }
  // Reject impossible dates such as Feb 30 (Date would roll them over into March).
  const iso = date.getMonth() !== month || date.getDate() !== day ? undefined : date.toISOString();
  return { iso, from, until };
}
