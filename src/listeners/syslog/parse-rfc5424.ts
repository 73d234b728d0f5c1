/**
 * RFC 5424 header and structured-data parser. Works on the decoded text after the PRI.
 * Never throws: a malformed part is reported in `problem` and the remainder is kept as MSG.
 */
import type { StructuredData } from '../../core/event.js';

export interface Rfc5424Parts {
  timestamp?: string;
  hostname?: string;
  appName?: string;
  procId?: string;
  msgId?: string;
  structuredData?: StructuredData;
  message: string;
  problem?: string;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const PRINTUSASCII = /^[\x21-\x7e]+$/;
const SD_NAME = /^[\x21\x23-\x3c\x3e-\x5c\x5e-\x7e]{1,32}$/; // printable, not = ] " or space

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** True when the text after the PRI starts like an RFC 5424 header: VERSION `[1-9]\d{0,2}` then a space. */
export function looksLikeRfc5424(rest: string): boolean {
  if (!isDigit(rest.charCodeAt(0)) || rest.charCodeAt(0) === 0x30) return false;
  let i = 1;
  while (i < 3 && isDigit(rest.charCodeAt(i))) i++;
  return rest.charCodeAt(i) === 0x20;
}

/**
 * Answers of validTimestamp by text. Bounded: cleared when full (a busy gateway sees few
 * distinct timestamps at once). The answer depends on the text alone.
 */
const VALID_MAX = 512;
const validCache = new Map<string, boolean>();

/** Validates an RFC 3339 timestamp, including day-of-month and time ranges. */
export function validTimestamp(text: string): boolean {
  const hit = validCache.get(text);
  if (hit !== undefined) return hit;
  const ok = checkTimestamp(text);
  if (validCache.size >= VALID_MAX) validCache.clear();
  validCache.set(text, ok);
  return ok;
}

function checkTimestamp(text: string): boolean {
  const m = TIMESTAMP.exec(text);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return false;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > daysInMonth) return false;
  const off = m[8]!;
  if (off !== 'Z' && (Number(off.slice(1, 3)) > 23 || Number(off.slice(4, 6)) > 59)) return false;
  return true;
}

/** Parses everything after `<PRI>`; `rest` starts with the VERSION. */
export function parseRfc5424(rest: string): Rfc5424Parts {
  let pos = rest.indexOf(' ') + 1; // skip VERSION
  // TIMESTAMP HOSTNAME APP-NAME PROCID MSGID, each `-` when absent.
  let timestamp: string | undefined, hostname: string | undefined, appName: string | undefined, procId: string | undefined, msgId: string | undefined;
  for (let n = 0; n < 5; n++) {
    const sp = rest.indexOf(' ', pos);
    if (sp < 0) {
      return { message: rest.slice(pos), problem: 'truncated header' };
    }
    const token = sp === pos + 1 && rest.charCodeAt(pos) === 0x2d /* - */ ? undefined : rest.slice(pos, sp);
    if (n === 0) timestamp = token;
    else if (n === 1) hostname = token;
    else if (n === 2) appName = token;
    else if (n === 3) procId = token;
    else msgId = token;
    pos = sp + 1;
  }
  const out: Rfc5424Parts = { message: '' };
  let bad: string[] | undefined;
  if (timestamp !== undefined) {
    if (validTimestamp(timestamp)) out.timestamp = timestamp;
    else (bad ??= []).push('timestamp');
  }
  if (hostname !== undefined) {
    if (printable(hostname, 255)) out.hostname = hostname;
    else (bad ??= []).push('hostname');
  }
  if (appName !== undefined) {
    if (printable(appName, 48)) out.appName = appName;
    else (bad ??= []).push('appName');
  }
  if (procId !== undefined) {
    if (printable(procId, 128)) out.procId = procId;
    else (bad ??= []).push('procId');
  }
  if (msgId !== undefined) {
    if (printable(msgId, 32)) out.msgId = msgId;
    else (bad ??= []).push('msgId');
  }
  const sd = parseStructuredData(rest, pos);
  if (sd.problem) (bad ??= []).push(sd.problem);
  if (sd.data) out.structuredData = sd.data;
  let msg = rest.slice(sd.end);
  if (msg.startsWith(' ')) msg = msg.slice(1);
  if (msg.charCodeAt(0) === 0xfeff) msg = msg.slice(1); // BOM announces UTF-8 MSG
  out.message = msg;
  if (bad) out.problem = `invalid ${bad.join(', ')}`;
  return out;
}

/** A header field within its length limit, of PRINTUSASCII only. */
function printable(v: string, limit: number): boolean {
  return v.length <= limit && PRINTUSASCII.test(v);
}

interface SdResult {
  data?: StructuredData;
  end: number;
  problem?: string;
}

/** Parses STRUCTURED-DATA at `pos`: NILVALUE or one or more `[id name="value" ...]`. */
export function parseStructuredData(text: string, pos: number): SdResult {
  if (text[pos] === '-' && (pos + 1 === text.length || text[pos + 1] === ' ')) return { end: pos + 1 };
  if (text[pos] !== '[') {
    // No SD at all where one is required: keep everything as the message.
    return pos >= text.length ? { end: pos } : { end: pos, problem: 'structured data' };
  }
  const data: Record<string, Record<string, string>> = Object.create(null);
  let i = pos;
  while (text[i] === '[') {
    const element = parseElement(text, i + 1);
    if (!element) return { end: pos, problem: 'structured data' };
    const params = (data[element.id] ??= Object.create(null) as Record<string, string>);
    for (const [k, v] of element.params) if (!(k in params)) params[k] = v;
    i = element.end;
  }
  return { data, end: i };
}

function parseElement(text: string, start: number): { id: string; params: [string, string][]; end: number } | undefined {
  let i = start;
  const idEnd = findNameEnd(text, i);
  const id = text.slice(i, idEnd);
  if (!SD_NAME.test(id)) return undefined;
  i = idEnd;
  const params: [string, string][] = [];
  while (i < text.length) {
    if (text[i] === ']') return { id, params, end: i + 1 };
    if (text[i] !== ' ') return undefined;
    i++;
    const nameEnd = findNameEnd(text, i);
    const name = text.slice(i, nameEnd);
    if (!SD_NAME.test(name) || text[nameEnd] !== '=' || text[nameEnd + 1] !== '"') return undefined;
    i = nameEnd + 2;
    let value = '';
    let closed = false;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '\\' && i + 1 < text.length && '"\\]'.includes(text[i + 1]!)) {
        value += text[i + 1];
        i += 2;
      } else if (c === '"') {
        closed = true;
        i++;
        break;
      } else {
        value += c;
        i++;
      }
    }
    if (!closed) return undefined;
    params.push([name, value]);
  }
  return undefined;
}

function findNameEnd(text: string, i: number): number {
  let j = i;
  while (j < text.length && j - i <= 32) {
    const c = text[j];
    if (c === ' ' || c === '=' || c === ']' || c === '"') break;
    j++;
  }
  return j;
}
