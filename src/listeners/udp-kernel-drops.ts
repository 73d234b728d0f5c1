/**
 * What the kernel dropped for one UDP socket because its receive buffer was full, read from
 * /proc/net/udp or /proc/net/udp6 (Linux; the last column, per socket) and found by the
 * socket's local address and port. The receiving thread stops reading while its own buffer
 * is full, so an overload is dropped there, at no cost to the event loop; this is how those
 * drops are counted. Elsewhere (no /proc, no such row) it reads as unknown.
 */
import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { endianness } from 'node:os';

export interface UdpTableRow {
  /** The local address as the kernel prints it: hex, each 32-bit word in host byte order. */
  readonly localHex: string;
  readonly localPort: number;
  readonly drops: number;
}

/** The rows of /proc/net/udp or /proc/net/udp6 (header and short lines skipped). */
export function parseUdpTable(text: string): UdpTableRow[] {
  const rows: UdpTableRow[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 13) continue;
    const [hex, port] = f[1]!.split(':');
    rows.push({ localHex: hex!.toUpperCase(), localPort: parseInt(port!, 16), drops: Number(f[f.length - 1]) });
  }
  return rows;
}

/** The 16 bytes of an IPv6 address (`::` shorthand and a dotted IPv4 tail included). */
function ipv6Bytes(address: string): number[] {
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  let text = address.replace(/%.*$/, '');
  const tail = dotted ? dotted[1]!.split('.').map(Number) : [];
  if (dotted) text = text.slice(0, -dotted[1]!.length) + '0:0';
  const [head, rest] = text.split('::');
  const words = (s: string | undefined) => (s ? s.split(':').filter((w) => w !== '').map((w) => parseInt(w, 16)) : []);
  const left = words(head);
  const right = rest === undefined ? [] : words(rest);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = all.flatMap((w) => [w >> 8, w & 0xff]);
  if (dotted) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** `address` as /proc/net/udp(6) prints it on a host of the given byte order. */
export function procAddressHex(address: string, littleEndian = endianness() === 'LE'): string {
  const bytes = isIPv4(address) ? address.split('.').map(Number) : ipv6Bytes(address);
  let hex = '';
  for (let w = 0; w < bytes.length; w += 4) {
    const word = bytes.slice(w, w + 4);
    if (littleEndian) word.reverse();
    hex += word.map((b) => b.toString(16).padStart(2, '0')).join('');
  }
  return hex.toUpperCase();
}

/**
 * Reads the kernel's drop count of the socket bound to `address`:`port`; each call returns
 * how many it dropped since the call before (the first call sets the baseline and returns
 * 0), or undefined when the count cannot be read.
 */
export function kernelDropReader(address: string, port: number, read = (path: string) => readFileSync(path, 'utf8')): () => number | undefined {
  const table = isIPv4(address) ? '/proc/net/udp' : '/proc/net/udp6';
  const hex = procAddressHex(address);
  let last: number | undefined;
  return () => {
    let drops: number | undefined;
    try {
      drops = parseUdpTable(read(table)).find((r) => r.localPort === port && r.localHex === hex)?.drops;
    } catch {
      drops = undefined;
    }
    if (drops === undefined) return undefined;
    const delta = last === undefined ? 0 : Math.max(0, drops - last);
    last = drops;
    return delta;
  };
}
