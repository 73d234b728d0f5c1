/**
 * The one table `npm run bench` prints (markdown, so it pastes into the README and issues)
 * and the JSON written next to it. Pure formatting.
 */
import type { Measured } from './measure.js';

export interface Row {
  readonly id: string;
  readonly target: string;
  readonly eventgate?: Measured;
  readonly peer?: Measured & { peer: string };
  readonly skipped?: string;
}

const n = (v: number | undefined) => (v === undefined ? '' : v.toLocaleString('en-US'));
const lostText = (m: Measured) => {
  const pct = m.sent > 0 ? (100 * m.lost) / m.sent : 0;
  return `${n(m.lost)} (${pct < 0.01 && m.lost > 0 ? '<0.01' : pct.toFixed(pct >= 10 ? 0 : 2)} %)`;
};

/** eventgate rate / peer rate, when both delivered something. */
export function ratio(r: Row): number | undefined {
  if (!r.eventgate || !r.peer || r.peer.rate <= 0) return undefined;
  return Math.round((100 * r.eventgate.rate) / r.peer.rate) / 100;
}

export function formatTable(rows: readonly Row[], withPeers: boolean): string {
  const head = ['scenario', 'target/s', 'sent', 'received', 'classified', 'lost', 'kernel drops', 'rate/s', 'CPU %', 'CPU µs/msg', 'peak RSS MB', 'p50 ms', 'p99 ms'];
  if (withPeers) head.push('peer', 'peer rate/s', 'peer lost', 'peer CPU %', 'peer CPU µs/msg', 'ratio');
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const e = r.eventgate;
    const cells = e
      ? [r.id, r.target, n(e.sent), n(e.received), n(e.classified), lostText(e), n(e.kernelDrops), n(e.rate), n(e.cpuPercent), n(e.cpuUsPerMsg), n(e.peakRssMb), n(e.p50ms), n(e.p99ms)]
      : [r.id, r.target, `skipped: ${r.skipped ?? ''}`, '', '', '', '', '', '', '', '', '', ''];
    if (withPeers) {
      const p = r.peer;
      const q = ratio(r);
      cells.push(p?.peer ?? '', n(p?.rate), p ? lostText(p) : '', n(p?.cpuPercent), n(p?.cpuUsPerMsg), q === undefined ? '' : `${q.toFixed(2)}×`);
    }
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
