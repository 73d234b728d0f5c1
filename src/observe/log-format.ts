/**
 * Readable log lines for a terminal (pino-pretty is not a dependency): each JSON record
 * becomes `HH:MM:SS.mmm LEVEL [component] message key=value ...`. It formats the record
 * pino already serialized and redacted, so it cannot reveal a secret; values are escaped
 * so untrusted text never puts a control byte on the terminal.
 */
import { writeSync } from 'node:fs';
import { escapeControls } from '../core/text.js';

const SKIP = new Set(['level', 'time', 'msg', 'service', 'component', 'pid', 'hostname']);
const WIDTH = 5;

function value(v: unknown): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  const escaped = escapeControls(text);
  return typeof v === 'string' && /[\s"=]/.test(escaped) ? JSON.stringify(escaped) : escaped;
}

/** Turns one JSON log line into one readable line (the input itself if it is not JSON). */
export function formatRecord(line: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return escapeControls(line.replace(/\n$/, ''));
  }
  const time = typeof rec.time === 'string' ? rec.time.slice(11, 23) : '';
  const level = String(rec.level ?? '').toUpperCase().padEnd(WIDTH);
  const component = rec.component ? `[${value(rec.component)}] ` : '';
  const rest = Object.entries(rec).filter(([k]) => !SKIP.has(k)).map(([k, v]) => `${k}=${value(v)}`);
  return [time, level, `${component}${escapeControls(String(rec.msg ?? ''))}`, ...rest].filter(Boolean).join(' ');
}

/** A pino destination writing readable lines to a file descriptor, synchronously. */
export function readableDestination(fd = 1, write: (fd: number, s: string) => void = writeSync): { write(s: string): void } {
  return {
    write(chunk) {
      for (const line of chunk.split('\n')) if (line) write(fd, formatRecord(line) + '\n');
    },
  };
}
