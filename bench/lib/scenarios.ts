/**
 * What `npm run bench` measures: syslog over UDP at rising rates and flat out, TCP
 * throughput (LF and octet-counted framing, one and several connections), SNMP v2c traps at
 * rising rates and flat out, v3 authPriv traps, exec hook runs per second, and bursts (an
 * outbreak: every console at once for a second or more, `<scenario>-burst@<count>`, sent at
 * BURST_RATE), and syslog ingest while hooks run flat out beside it (`udp-3164+hooks@<rate>`:
 * ingest must not slow down because of them). Every step is bounded by a message count and a
 * time limit. `quick` is a short subset for shared hosts.
 */
import type { Features } from './gateway.js';

export type Load =
  | { kind: 'syslog'; proto: 'udp' | 'tcp'; format: '3164' | '5424'; framing: 'lf' | 'octet'; procs: number }
  | { kind: 'trap'; version: '2c' | '3' };

export interface Step {
  /** Stable id, also the JSON key: e.g. `udp-3164@10000`, `tcp-lf-5424@max`. */
  readonly id: string;
  readonly load: Load;
  /** Messages per second; 0 = flat out. */
  readonly rate: number;
  readonly count: number;
  readonly maxSeconds: number;
  /** Route every event to an exec hook and count hook runs (instead of the log output). */
  readonly hook?: boolean;
  /**
   * Traps per second sent beside this step's load, each notified to an exec hook (more than
   * the hooks can run: they run flat out); this step's own events go to the log output.
   */
  readonly hooksAlongside?: number;
  readonly needs: readonly (keyof Features)[];
}

const syslog = (proto: 'udp' | 'tcp', format: '3164' | '5424', framing: 'lf' | 'octet' = 'lf', procs = 1): Load =>
  ({ kind: 'syslog', proto, format, framing, procs });

/** Traps per second that keep the exec hooks busy flat out (above their rate on this machine). */
export const HOOKS_FLAT_OUT = 800;

/** Messages per second of a burst step. */
export const BURST_RATE = 50_000;

export function plan(quick: boolean): Step[] {
  const secs = quick ? 3 : 5;
  const maxCount = quick ? 300_000 : 1_000_000;
  const steady = (id: string, load: Load, rate: number, needs: (keyof Features)[] = [], hook = false): Step =>
    ({ id: `${id}@${rate}`, load, rate, count: rate * secs, maxSeconds: secs * 3, needs, ...(hook ? { hook } : {}) });
  const flat = (id: string, load: Load, count: number, needs: (keyof Features)[] = []): Step =>
    ({ id: `${id}@max`, load, rate: 0, count, maxSeconds: quick ? 15 : 30, needs });
  const burst = (id: string, load: Load, count: number, needs: (keyof Features)[] = []): Step =>
    ({ id: `${id}-burst@${count}`, load, rate: BURST_RATE, count, maxSeconds: 30, needs });
  const udpBursts = quick ? [50_000] : [20_000, 50_000, 100_000, 200_000];
  const trapBursts = quick ? [] : [20_000, 50_000, 100_000];
  const udpRates = quick ? [10_000, 50_000] : [10_000, 20_000, 25_000, 30_000, 50_000, 100_000, 150_000, 200_000];
  const trapRates = quick ? [5_000] : [2_000, 5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 40_000, 50_000];
  const v3Rates = quick ? [500] : [1_000, 5_000, 10_000, 15_000, 20_000];
  const hookRates = quick ? [200] : [100, 200, 400, 800];
  return [
    ...udpRates.map((r) => steady('udp-3164', syslog('udp', '3164'), r)),
    flat('udp-3164', syslog('udp', '3164'), maxCount),
    ...udpBursts.map((n) => burst('udp-3164', syslog('udp', '3164'), n)),
    flat('udp-5424', syslog('udp', '5424'), maxCount),
    ...(quick ? [] : [flat('udp-3164-2senders', syslog('udp', '3164', 'lf', 2), maxCount)]),
    flat('tcp-lf-3164', syslog('tcp', '3164'), maxCount, ['tcp']),
    flat('tcp-octet-5424', syslog('tcp', '5424', 'octet'), maxCount, ['tcp']),
    ...(quick ? [] : [flat('tcp-lf-3164-4conns', syslog('tcp', '3164', 'lf', 4), maxCount, ['tcp'])]),
    ...trapRates.map((r) => steady('trap-v2c', { kind: 'trap', version: '2c' }, r, ['snmp'])),
    flat('trap-v2c', { kind: 'trap', version: '2c' }, quick ? 100_000 : 300_000, ['snmp']),
    ...trapBursts.map((n) => burst('trap-v2c', { kind: 'trap', version: '2c' }, n, ['snmp'])),
    ...v3Rates.map((r) => steady('trap-v3', { kind: 'trap', version: '3' }, r, ['snmp'])),
    ...hookRates.map((r) => steady('exec-hook', { kind: 'trap', version: '2c' }, r, [], true)),
    { ...steady('udp-3164+hooks', syslog('udp', '3164'), 10_000, ['snmp']), hooksAlongside: HOOKS_FLAT_OUT },
  ];
}
