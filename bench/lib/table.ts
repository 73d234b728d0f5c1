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
  const notes = rows.flatMap((r) => (r.eventgate?.note ? [`- ${r.id}: ${r.eventgate.note}`] : []));
  return [...lines, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

/** At most this share of the sent messages lost still counts as lossless (as in the L2 test). */
const LOSSLESS = 0.001;

export interface LosslessRate {
  readonly scenario: string;
  /** Highest steady rate step each delivered without loss; 0 when none did. */
  readonly eventgate: number;
  readonly peer?: number;
  readonly ratio?: number;
  /**
   * Steady steps only: the highest rate eventgate took without loss *and* with p99 under
   * KEEPING_UP_P99_MS. Above its processing rate a 5 s step can still be lossless, held in
   * the burst buffer (p99 then grows to seconds); this is the rate it keeps up with.
   */
  readonly keepingUp?: number;
}

const KEEPING_UP_P99_MS = 100;

/**
 * The issue's "lossless rate" per scenario: of the steady steps (id@rate), the highest rate
 * at which each side lost at most 0.1 %, and eventgate's over the peer's.
 */
export function losslessRates(rows: readonly Row[]): LosslessRate[] {
  return largestLossless(rows.filter((r) => !isBurst(r)), true);
}

/** The largest burst (`<scenario>-burst@<count>`) each side took without loss, per scenario. */
export function losslessBursts(rows: readonly Row[]): LosslessRate[] {
  return largestLossless(rows.filter(isBurst));
}

const isBurst = (r: Row) => r.id.includes('-burst@');
const lossless = (m: Measured | undefined) => m !== undefined && m.sent > 0 && m.lost <= LOSSLESS * m.sent;

/** Per scenario (the id before `@`), the highest number after `@` each side passed without loss. */
function largestLossless(rows: readonly Row[], keepingUp = false): LosslessRate[] {
  const out = new Map<string, { eventgate: number; peer?: number; keepingUp?: number }>();
  for (const r of rows) {
    const at = r.id.lastIndexOf('@');
    const rate = Number(r.id.slice(at + 1));
    if (at < 0 || !Number.isFinite(rate) || rate <= 0) continue;
    const scenario = r.id.slice(0, at);
    const s = out.get(scenario) ?? { eventgate: 0, ...(keepingUp ? { keepingUp: 0 } : {}) };
    if (lossless(r.eventgate)) s.eventgate = Math.max(s.eventgate, rate);
    if (keepingUp && lossless(r.eventgate) && (r.eventgate?.p99ms ?? Infinity) < KEEPING_UP_P99_MS) s.keepingUp = Math.max(s.keepingUp ?? 0, rate);
    if (r.peer) s.peer = Math.max(s.peer ?? 0, lossless(r.peer) ? rate : 0);
    out.set(scenario, s);
  }
  return [...out].map(([scenario, s]) => ({
    scenario, ...s,
    ...(s.peer ? { ratio: Math.round((100 * s.eventgate) / s.peer) / 100 } : {}),
  }));
}

export function formatLossless(rates: readonly LosslessRate[], what = 'lossless rate/s'): string {
  const up = rates.some((r) => r.keepingUp !== undefined);
  const lines = [
    `| scenario | eventgate ${what} | peer ${what} | ratio |${up ? ` eventgate keeping up (p99 < ${KEEPING_UP_P99_MS} ms) |` : ''}`,
    `|---|---|---|---|${up ? '---|' : ''}`,
  ];
  for (const r of rates) {
    lines.push(`| ${r.scenario} | ${n(r.eventgate)} | ${n(r.peer)} | ${r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`} |${up ? ` ${n(r.keepingUp)} |` : ''}`);
  }
  return lines.join('\n');
}
