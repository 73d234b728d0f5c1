/**
 * The `<PRI>` prefix shared by RFC 3164 and RFC 5424: 1-3 digits, no leading zero (except
 * `<0>`), value at most 191. Anything else is "no PRI" and the caller falls back.
 */

export interface Pri {
  readonly facility: number;
  readonly severity: number;
  /** Index of the first character after `>`. */
  readonly end: number;
}

/** Reads a PRI at the start of `text`; undefined when there is no valid one. */
export function parsePri(text: string): Pri | undefined {
  if (text.charCodeAt(0) !== 0x3c /* < */) return undefined;
  let value = 0;
  let i = 1;
  for (; i < text.length && i <= 4; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3e /* > */) break;
    if (c < 0x30 || c > 0x39) return undefined;
    if (i === 2 && text.charCodeAt(1) === 0x30) return undefined; // leading zero
    value = value * 10 + (c - 0x30);
  }
  if (i === 1 || i > 4 || text.charCodeAt(i) !== 0x3e || value > 191) return undefined;
  return { facility: value >> 3, severity: value & 7, end: i + 1 };
}
