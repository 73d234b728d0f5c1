/**
 * The syslog messages the load generators send: RFC 3164 or RFC 5424, each with a
 * sequence number `seq=<sender>-<n>`, one in ten a virus detection the shipped generic pack
 * classifies (and the bench routes to an output), one in ten an update result, the rest
 * routine lines that end as category `other`. Pure: the sender pre-builds a pool of them.
 */

export type SyslogFormat = '3164' | '5424';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const FILLER = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ';
const pad2 = (n: number) => String(n).padStart(2, '0');

/** Every `VIRUS_EVERY`-th line is a virus detection (the word rsyslog's filter looks for). */
export const VIRUS_EVERY = 10;
export const VIRUS_MARKER = 'Virus found';

export interface LineOptions {
  readonly format: SyslogFormat;
  readonly sender: number;
  /** Pad each line to about this many bytes. */
  readonly size: number;
  readonly date: Date;
  readonly pid: number;
}

export function body(n: number): { severity: number; text: string } {
  if (n % VIRUS_EVERY === 0) return { severity: 2, text: `${VIRUS_MARKER}: EICAR-Test-File in C:\\Users\\u${n % 97}\\eicar.com on PC-${n % 53}` };
  if (n % VIRUS_EVERY === 5) return { severity: 6, text: 'Pattern update succeeded' };
  return { severity: 6, text: 'user login ok' };
}

/** One line; padding goes between the sequence number and the text, so rules still see it whole. */
export function syslogLine(n: number, o: LineOptions): string {
  const { severity, text } = body(n);
  const pri = 16 * 8 + severity; // local0
  const d = o.date;
  const head = o.format === '3164'
    ? `<${pri}>${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} bench-host avscan[${o.pid}]: `
    : `<${pri}>1 ${d.toISOString()} bench-host avscan ${o.pid} ID47 - `;
  const seq = `seq=${o.sender}-${n} `;
  const missing = o.size - head.length - seq.length - text.length;
  const pad = missing > 1 ? FILLER.repeat(Math.ceil(missing / FILLER.length)).slice(0, missing - 1) + ' ' : '';
  return head + seq + pad + text;
}

/** RFC 6587 framing: `lf` (non-transparent, newline) or `octet` (octet counting). */
export function frame(line: string, framing: 'lf' | 'octet'): string {
  return framing === 'lf' ? `${line}\n` : `${Buffer.byteLength(line)} ${line}`;
}
