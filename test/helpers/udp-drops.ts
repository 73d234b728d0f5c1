/**
 * The kernel's receive-buffer drop counter of a UDP socket, read from /proc/net/udp and
 * /proc/net/udp6 (the `drops` column, the last one) and matched by local port. Linux only:
 * undefined when the tables cannot be read or no socket is bound to the port.
 */
import { readFileSync } from 'node:fs';

export interface UdpSocketRow {
  readonly localPort: number;
  readonly drops: number;
}

/** Rows of /proc/net/udp or /proc/net/udp6 (the header line skipped). */
export function parseUdpTable(text: string): UdpSocketRow[] {
  const rows: UdpSocketRow[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 13) continue;
    const port = f[1]!.split(':')[1];
    rows.push({ localPort: parseInt(port!, 16), drops: Number(f[f.length - 1]) });
  }
  return rows;
}

/** Sum of drops over the UDP sockets bound to `port`, IPv4 and IPv6 tables together. */
export function udpDrops(port: number): number | undefined {
  let total: number | undefined;
  for (const file of ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const r of parseUdpTable(text)) if (r.localPort === port) total = (total ?? 0) + r.drops;
  }
  return total;
}
