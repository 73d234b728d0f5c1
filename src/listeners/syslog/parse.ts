/**
 * Syslog message parser: bytes in, header parts and message out. Detects RFC 5424 and
 * RFC 3164 per message and falls back to keeping the whole line as the message. Total: it
 * returns a result for any input and never throws (a property test holds it to that).
 */
import type { SyslogParts } from '../../core/event.js';
import { decodeUtf8 } from '../../core/text.js';
import { parsePri } from './parse-pri.js';
import { looksLikeRfc5424, parseRfc5424 } from './parse-rfc5424.js';
import { parseRfc3164 } from './parse-rfc3164.js';

export interface ParsedSyslog {
  /** A fresh object per call: the listener adds the payload to it in place. */
  readonly parts: SyslogParts;
  readonly message: string;
  /** Set when part of the message could not be read as its format says; the rest is kept. */
  readonly problem?: string;
}

/** Default PRI when a message has none (RFC 3164 4.3.3: facility user, severity notice). */
const DEFAULT_FACILITY = 1;
const DEFAULT_SEVERITY = 5;

/** Strips the trailing LF, CRLF and NUL that senders append to datagrams and frames. */
function trimEnd(text: string): string {
  let end = text.length;
  while (end > 0) {
    const c = text.charCodeAt(end - 1);
    if (c !== 0x0a && c !== 0x0d && c !== 0x00) break;
    end--;
  }
  return end === text.length ? text : text.slice(0, end);
}

/**
 * Parses one syslog message. Returns undefined only for an empty message. `decode` turns
 * the bytes into text (default UTF-8 with U+FFFD; a listener may set another charset).
 */
export function parseSyslog(bytes: Uint8Array, now: number, decode: (b: Uint8Array) => string = decodeUtf8): ParsedSyslog | undefined {
  const text = trimEnd(decode(bytes));
  if (text.length === 0) return undefined;
  const pri = parsePri(text);
  if (!pri) {
    return {
      parts: { format: 'raw', facility: DEFAULT_FACILITY, severity: DEFAULT_SEVERITY },
      message: text,
      problem: 'no valid PRI',
    };
  }
  const rest = text.slice(pri.end);
  if (looksLikeRfc5424(rest)) {
    const p = parseRfc5424(rest);
    const parts = header('rfc5424', pri, p);
    if (p.msgId !== undefined) parts.msgId = p.msgId;
    if (p.structuredData) parts.structuredData = p.structuredData;
    return p.problem ? { parts, message: p.message, problem: p.problem } : { parts, message: p.message };
  }
  const p = parseRfc3164(rest, now);
  const parts = header('rfc3164', pri, p);
  return p.problem ? { parts, message: p.message, problem: p.problem } : { parts, message: p.message };
}

type HeaderFields = Partial<Record<'timestamp' | 'hostname' | 'appName' | 'procId', string>>;

/** The parts every header format shares; absent fields are left out, not set to undefined. */
function header(format: 'rfc5424' | 'rfc3164', pri: { facility: number; severity: number }, p: HeaderFields): { -readonly [K in keyof SyslogParts]: SyslogParts[K] } {
  const parts: { -readonly [K in keyof SyslogParts]: SyslogParts[K] } = { format, facility: pri.facility, severity: pri.severity };
  if (p.timestamp !== undefined) parts.timestamp = p.timestamp;
  if (p.hostname !== undefined) parts.hostname = p.hostname;
  if (p.appName !== undefined) parts.appName = p.appName;
  if (p.procId !== undefined) parts.procId = p.procId;
  return parts;
}
