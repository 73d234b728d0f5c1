import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Measured } from '../../../bench/lib/measure.js';
import { formatLossless, losslessBursts, losslessRates } from '../../../bench/lib/table.js';

const m = (sent: number, lost: number, p99ms?: number): Measured => ({ sent, received: sent - lost, lost, rate: sent - lost, sendRate: sent, ...(p99ms === undefined ? {} : { p99ms }) });

it('takes the highest steady rate lost at most 0.1 %, per scenario and side, and the highest eventgate also kept up with', () => {
  const rates = losslessRates([
    { id: 'trap-v2c@10000', target: '10000', eventgate: m(50_000, 0, 12), peer: { ...m(50_000, 0), peer: 'snmptrapd' } },
    { id: 'trap-v2c@20000', target: '20000', eventgate: m(100_000, 100, 450), peer: { ...m(100_000, 4_100), peer: 'snmptrapd' } },
    { id: 'trap-v2c@30000', target: '30000', eventgate: m(150_000, 3_000), peer: { ...m(150_000, 9_000), peer: 'snmptrapd' } },
    { id: 'trap-v2c@max', target: 'max', eventgate: m(300_000, 0) },
    { id: 'udp-3164@10000', target: '10000', eventgate: m(50_000, 51) },
  ]);
  assert.deepEqual(rates, [
    { scenario: 'trap-v2c', eventgate: 20_000, keepingUp: 10_000, peer: 10_000, ratio: 2 },
    { scenario: 'udp-3164', eventgate: 0, keepingUp: 0 },
  ]);
  assert.match(formatLossless(rates), /\| trap-v2c \| 20,000 \| 10,000 \| 2\.00× \| 10,000 \|/);
});

it('keeps bursts apart: the largest burst each side took without loss, never mixed into the steady rates', () => {
  const rows = [
    { id: 'udp-3164@10000', target: '10000', eventgate: m(50_000, 0) },
    { id: 'udp-3164-burst@20000', target: '50000', eventgate: m(20_000, 0), peer: { ...m(20_000, 0), peer: 'rsyslogd' } },
    { id: 'udp-3164-burst@50000', target: '50000', eventgate: m(50_000, 10), peer: { ...m(50_000, 0), peer: 'rsyslogd' } },
    { id: 'udp-3164-burst@100000', target: '50000', eventgate: m(100_000, 9_000), peer: { ...m(100_000, 500), peer: 'rsyslogd' } },
  ];
  assert.deepEqual(losslessRates(rows), [{ scenario: 'udp-3164', eventgate: 10_000, keepingUp: 0 }]);
  assert.deepEqual(losslessBursts(rows), [{ scenario: 'udp-3164-burst', eventgate: 50_000, peer: 50_000, ratio: 1 }]);
  assert.match(formatLossless(losslessBursts(rows), 'lossless burst'), /\| scenario \| eventgate lossless burst \| peer lossless burst \| ratio \|/);
});
