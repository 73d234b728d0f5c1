// Classifier throughput (npm run bench:classify): events per second on one core with every
// shipped rule pack loaded, over a mixed corpus (the vendor fixture lines, generic lines,
// lines no rule matches, and traps), parsed once up front so only classification is timed.
// Then the worst case: 64 KiB adversarial lines classified against all shipped rules.
import { trapEvent } from '../src/app/trap-description.js';
import type { GatewayEvent } from '../src/core/event.js';
import { syslogEvent } from '../src/listeners/syslog/normalize.js';
import { BENCH_PEER as peer, shippedClassifier, UNMATCHED_LINES as unmatched, vendorLines } from './lib/corpus.js';

const { classify, rules } = shippedClassifier();
const parse = (line: string) => syslogEvent(Buffer.from(line, 'utf8'), { id: 'b', now: Date.now(), listener: 'udp', peer })!.event;
const vendor = vendorLines();
const traps = [
  trapEvent({ oid: '1.3.6.1.6.3.1.1.5.3', varbinds: [{ oid: '1.3.6.1.2.1.2.2.1.2.3', value: 'Gi0/3' }] }, { id: 'b', now: 0, listener: 'snmp', peer }),
  trapEvent({ oid: '1.3.6.1.4.1.9.9.41.2.0.1', varbinds: [{ oid: '1.3.6.1.4.1.9.9.41.1.2.3.1.5.1', value: 'something happened' }] }, { id: 'b', now: 0, listener: 'snmp', peer }),
];
// Half the traffic matches nothing (the common case on a busy gateway), half is vendor lines.
const corpus: GatewayEvent[] = [...vendor.map(parse), ...unmatched.map(parse), ...unmatched.map(parse), ...unmatched.map(parse), ...traps];

/** Events per wall-clock second and per CPU second (the latter is what one core does when the machine is shared). */
function run(events: readonly GatewayEvent[], seconds: number): { wall: number; cpu: number } {
  let n = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (const e of events) classify(e);
    n += events.length;
  }
  const cpu = process.cpuUsage(cpu0);
  return { wall: n / ((performance.now() - start) / 1000), cpu: n / ((cpu.user + cpu.system) / 1e6) };
}

const fmt = (r: number) => Math.round(r).toLocaleString('en');
run(corpus, 1); // warm up
const rates = [run(corpus, 2), run(corpus, 2), run(corpus, 2)];
console.log(`rules loaded: ${rules.length}; corpus: ${corpus.length} events (${vendor.length} vendor, ${unmatched.length * 3} unmatched syslog, ${traps.length} traps)`);
console.log(`classify: ${rates.map((r) => fmt(r.wall)).join(' / ')} events/s wall; ${rates.map((r) => fmt(r.cpu)).join(' / ')} events per CPU second (3 runs of 2 s, one thread)`);

const K64 = 64 * 1024;
const fill = (unit: string) => unit.repeat(Math.ceil(K64 / unit.length)).slice(0, K64);
const adversarial: [string, string][] = [
  ['a repeated', fill('a')],
  ['spaces', fill(' ')],
  ['"Virus found: x in " repeated', fill('Virus found: x in ')],
  ['"service " repeated', fill('service ')],
  ['CEF header prefix repeated', '0|Trend Micro|Apex Central|2019|AV:' + fill('|')],
  ['SEP risk prefix + no commas', 'Virus found,IP Address: ' + fill('x')],
  ['<ThreatName> repeated', fill('<ThreatName>')],
  ['log_type="Anti-Virus" repeated', fill('log_type="Anti-Virus" log_component="')],
  ['%LINK-3-UPDOWN: Interface repeated', fill('%LINK-3-UPDOWN: Interface ')],
  ['ALERT: [ + no <<<', 'ALERT: [x] ' + fill('a ')],
];
let worst = 0;
for (const [name, body] of adversarial) {
  for (const app of ['avguard.bin', 'EPOEvents', 'app']) {
    const e = parse(`<12>Nov 22 10:00:00 h ${app}: ${body}`);
    const t = performance.now();
    classify(e);
    const ms = performance.now() - t;
    worst = Math.max(worst, ms);
    if (app === 'app') console.log(`64 KiB adversarial (${name}): ${ms.toFixed(2)} ms`);
  }
}
console.log(`64 KiB adversarial lines: worst ${worst.toFixed(2)} ms against all ${rules.length} rules`);
