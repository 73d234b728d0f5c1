/**
 * Readers for what Linux /proc says about a process and a UDP socket: CPU ticks, peak RSS,
 * the kernel's receive-buffer drop counter. The parsers are pure (text in, numbers out);
 * the `read*` helpers return undefined off Linux or when the process is gone.
 */
import { readFileSync } from 'node:fs';
import { parseUdpTable } from '../../src/listeners/udp-kernel-drops.js';

/** utime + stime (+ reaped children's) in clock ticks, from the text of /proc/<pid>/stat. */
export function parseStatTicks(stat: string, withChildren = false): number {
  // The command name may contain spaces and parentheses: the fields start after the last ")".
  const rest = stat.slice(stat.lastIndexOf(')') + 2).trim().split(/\s+/);
  // rest[0] is field 3 (state); utime is field 14 → rest[11], stime rest[12], cutime, cstime.
  const n = (i: number) => Number(rest[i] ?? 0);
  return n(11) + n(12) + (withChildren ? n(13) + n(14) : 0);
}

/** A `kB` field of /proc/<pid>/status (VmHWM, VmRSS) in bytes. */
export function parseStatusKb(status: string, field: string): number | undefined {
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
  return m ? Number(m[1]) * 1024 : undefined;
}

/** Sum of drops over the UDP sockets bound to `port` (IPv4 and IPv6 tables). */
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

export function readTicks(pid: number, withChildren = false): number | undefined {
  try {
    return parseStatTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'), withChildren);
  } catch {
    return undefined;
  }
}

export function readPeakRss(pid: number): number | undefined {
  try {
    return parseStatusKb(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmHWM');
  } catch {
    return undefined;
  }
}

/** Busy and total ticks of all CPUs, from /proc/stat's first line. */
export function parseCpuLine(procStat: string): { busy: number; total: number } {
  const f = procStat.split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: total - idle, total };
}

export function readCpu(): { busy: number; total: number } | undefined {
  try {
    return parseCpuLine(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return undefined;
  }
}

export function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
}
