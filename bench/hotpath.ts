// Per-message CPU cost of the syslog hot path, in process (npm run bench:hotpath): parse
// alone, classify alone, and the listener's ingest (ids, metrics, parse) feeding the
// classifier, over the same mixed corpus as bench/classify.ts. Figures are CPU microseconds
// per message (process.cpuUsage), so a machine shared with other work skews them little.
import type { GatewayEvent } from '../src/core/event.js';
import { createUlidFactory } from '../src/core/ids.js';
import type { ListenerContext } from '../src/listeners/listener.js';
import { ingestSyslog, syslogEvent } from '../src/listeners/syslog/normalize.js';
import { createMetrics } from '../src/observe/metrics.js';
import { cpuPerItem } from './lib/cpu.js';
import { BENCH_PEER as peer, shippedClassifier, UNMATCHED_LINES, vendorLines } from './lib/corpus.js';

const { classify, rules } = shippedClassifier();
const vendor = vendorLines();
// A key=value line too, so the payload parser's cost is in the figures.
const unmatched = [...UNMATCHED_LINES, '<13>Nov 22 10:00:06 host1 app: user=alice action=login result=ok src=10.0.0.11'];
const lines = [...vendor, ...unmatched, ...unmatched, ...unmatched].map((l) => Buffer.from(l, 'utf8'));
const now = Date.now();
const events: GatewayEvent[] = lines.map((b) => syslogEvent(b, { id: 'b', now, listener: 'udp', peer })!.event);

const metrics = createMetrics();
const noop = () => {};
const ctx: ListenerContext = {
  log: undefined as never,
  warn: noop as never,
  clock: { now: () => Date.now(), monotonic: () => performance.now() } as never,
  metrics,
  newId: createUlidFactory(() => Date.now()),
  emit: (e) => (classify(e), true),
  hasRoom: () => true,
  onDrain: noop,
};

const cases: [string, () => number][] = [
  ['parse (syslogEvent)', () => { for (const b of lines) syslogEvent(b, { id: 'b', now: Date.now(), listener: 'udp', peer }); return lines.length; }],
  ['classify', () => { for (const e of events) classify(e); return events.length; }],
  ['ingest + classify', () => { for (const b of lines) ingestSyslog(ctx, 'udp', b, peer); return lines.length; }],
];
for (const [, f] of cases) cpuPerItem(f, 0.5);
console.log(`rules: ${rules.length}; corpus: ${lines.length} lines (${vendor.length} vendor, ${unmatched.length * 3} other)`);
for (const [label, f] of cases) {
  const runs = [0, 1, 2].map(() => cpuPerItem(f));
  console.log(`${label.padEnd(22)} ${runs.map((r) => r.toFixed(2)).join(' / ')} CPU µs per message (best ${Math.min(...runs).toFixed(2)})`);
}
