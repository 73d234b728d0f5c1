/**
 * The floor under the syslog targets of issue 10, measured part by part on this machine
 * (npm run bench:floor): what the load generator costs at the target rate, what Node pays
 * to receive a message and do nothing else with it, what parsing and classifying a line
 * cost with every shipped pack, and what one history row costs in SQLite. Their sum is a
 * lower bound for any gateway built on this stack that stores every event; the budget is
 * what the CPUs leave per message once the sender has had its share. Bounded: each load
 * runs for a message count and a time limit, on loopback only.
 *
 *   npm run bench:floor [-- --udp-rate 100000 --tcp-rate 220000 --seconds 4]
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { syslogEvent } from '../src/listeners/syslog/normalize.js';
import { openDatabase } from '../src/store/database.js';
import { createHistoryWriter } from '../src/store/history.js';
import { parseOptions } from './lib/args.js';
import { cpuMicros, cpuPerItem } from './lib/cpu.js';
import { BENCH_PEER as peer, ROOT, shippedClassifier, UNMATCHED_LINES, vendorLines } from './lib/corpus.js';
import { runSender, type SenderResult } from './lib/measure.js';

const HELP = `usage: floor.ts [--udp-rate R] [--tcp-rate R] [--seconds S]
  --udp-rate R   UDP target, messages/s (100000: 0.55 x rsyslog's lossless rate here)
  --tcp-rate R   TCP target, messages/s (220000: 0.5 x rsyslog's throughput here)
  --seconds S    length of each load (4)
`;
const opts = parseOptions(process.argv.slice(2), { 'udp-rate': 100_000, 'tcp-rate': 220_000, seconds: 4, receive: '' }, HELP);

/** Receiver mode (a child of the bench): counts messages, reports its own CPU, exits. */
async function receive(proto: string): Promise<void> {
  let count = 0;
  let cpu0 = 0;
  let last = Date.now();
  const seen = (n: number) => {
    if (count === 0) cpu0 = cpuMicros();
    count += n;
    last = Date.now();
  };
  let close: () => void;
  let port: number;
  if (proto === 'udp') {
    const sock = createSocket({ type: 'udp4', recvBufferSize: 32 << 20 });
    sock.on('message', () => seen(1));
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    port = sock.address().port;
    close = () => sock.close();
  } else {
    const server = createServer((c) => c.on('data', (chunk: Buffer) => {
      let n = 0;
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) n++;
      seen(n);
    }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    close = () => server.close();
  }
  process.stdout.write(`${JSON.stringify({ port })}\n`);
  // Done when the load stops: 1 s without a message once it began, or 60 s in all.
  const began = Date.now();
  await new Promise<void>((r) => {
    const t = setInterval(() => {
      if ((count > 0 && Date.now() - last > 1000) || Date.now() - began > 60_000) {
        clearInterval(t);
        r();
      }
    }, 100);
  });
  const cpu = cpuMicros() - cpu0;
  close();
  process.stdout.write(`${JSON.stringify({ received: count, cpuUs: cpu })}\n`);
}

/** Runs a receiver child and the project's load generator against it. */
async function receiveOnly(proto: 'udp' | 'tcp', rate: number): Promise<{ sender: SenderResult; received: number; cpuUs: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/floor.ts', '--receive', proto], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let waiting: (() => void) | undefined;
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      lines.push(buf.slice(0, i));
      buf = buf.slice(i + 1);
      waiting?.();
    }
  });
  const next = async (): Promise<Record<string, number>> => {
    while (lines.length === 0) await new Promise<void>((r) => (waiting = r));
    return JSON.parse(lines.shift()!) as Record<string, number>;
  };
  const { port } = await next();
  const count = Math.round(rate * opts.seconds);
  const sender = await runSender(ROOT, { kind: 'syslog', proto, format: '3164', framing: 'lf', procs: 1 }, port!, { id: `${proto}-floor`, load: { kind: 'syslog', proto, format: '3164', framing: 'lf', procs: 1 }, rate, count, maxSeconds: opts.seconds * 3, needs: [] });
  const done = await next();
  return { sender, received: done.received!, cpuUs: done.cpuUs! };
}

/** CPU µs per item of `body`: best of three 1.5 s runs after a warm-up. */
function perItem(body: () => number): number {
  cpuPerItem(body, 0.5);
  return Math.min(cpuPerItem(body), cpuPerItem(body), cpuPerItem(body));
}

function inProcessParts(): { rules: number; classify: number; history: number } {
  const { classify, rules } = shippedClassifier();
  const lines = [...vendorLines(), ...UNMATCHED_LINES, ...UNMATCHED_LINES, ...UNMATCHED_LINES].map((l) => Buffer.from(l));
  const classifyUs = perItem(() => {
    for (const b of lines) classify(syslogEvent(b, { id: 'b', now: Date.now(), listener: 'udp', peer })!.event);
    return lines.length;
  });
  // One row per event in batch transactions, as the pipeline commits them (no fsync: the
  // WAL is synced off the event loop).
  const dir = mkdtempSync(join(tmpdir(), 'eventgate-floor-'));
  try {
    const db = openDatabase(dir, { synchronous: 'normal' });
    const history = createHistoryWriter(db);
    const BATCH = 1024;
    let seq = 0;
    // Each row needs an id of its own: the events are mutable copies, renumbered per write.
    const batch = Array.from({ length: BATCH }, (_, i) => {
      const event = { ...syslogEvent(lines[i % lines.length]!, { id: 'b', now: Date.now(), listener: 'udp', peer })!.event };
      return { classified: { event, classification: classify(event) }, notificationIds: [] };
    });
    const write = db.transaction(() => {
      for (const h of batch) {
        (h.classified.event as { id: string }).id = String(seq++).padStart(26, '0');
        history.event(h);
      }
    });
    const historyUs = perItem(() => (write(), BATCH));
    db.close();
    return { rules: rules.length, classify: classifyUs, history: historyUs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const cores = availableParallelism();
  process.stderr.write(`[floor] UDP at ${opts['udp-rate']}/s and TCP at ${opts['tcp-rate']}/s, ${opts.seconds} s each; then parse, classify and history in process\n`);
  const udp = await receiveOnly('udp', opts['udp-rate']);
  const tcp = await receiveOnly('tcp', opts['tcp-rate']);
  const parts = inProcessParts();
  const f = (x: number) => x.toFixed(1).padStart(7);
  const column = (name: string, r: Awaited<ReturnType<typeof receiveOnly>>) => {
    const senderUs = (r.sender.cpu_s * 1e6) / r.sender.sent;
    const receiveUs = r.cpuUs / Math.max(1, r.received);
    const floor = receiveUs + parts.classify + parts.history;
    const budget = (cores * 1e6 - r.sender.rate * senderUs) / r.sender.rate;
    const freeSender = (cores * 1e6) / r.sender.rate;
    return { name, rate: r.sender.rate, lost: r.sender.sent - r.received, senderUs, receiveUs, floor, budget, freeSender, bare: receiveUs + parts.classify };
  };
  const cols = [column('UDP', udp), column('TCP', tcp)];
  const row = (label: string, pick: (c: (typeof cols)[number]) => string) => `${label.padEnd(52)}${cols.map(pick).join('   ')}\n`;
  process.stdout.write(
    `\nfloor under the syslog targets, ${cores} CPUs, node ${process.version}; CPU µs per message\n\n` +
    row('', (c) => `${c.name} @ ${Math.round(c.rate).toLocaleString('en')}/s`.padStart(19)) +
    row('sender (bench/syslog-load.ts, kernel included)', (c) => `${f(c.senderUs)}`.padStart(19)) +
    row('receive and count, nothing else (one thread)', (c) => `${f(c.receiveUs)}`.padStart(19)) +
    row(`parse + classify (${parts.rules} shipped rules)`, () => `${f(parts.classify)}`.padStart(19)) +
    row('history row (SQLite, batches of 1,024)', () => `${f(parts.history)}`.padStart(19)) +
    row('floor: receive + parse + classify + history', (c) => `${f(c.floor)}`.padStart(19)) +
    row(`budget: (${cores} CPUs − sender) ÷ rate`, (c) => `${f(c.budget)}`.padStart(19)) +
    row('floor ÷ budget', (c) => `${(c.floor / c.budget).toFixed(2)}×`.padStart(19)) +
    row('the same without history (receive + parse + classify)', (c) => `${(c.bare / c.budget).toFixed(2)}×`.padStart(19)) +
    row(`budget if the sender cost nothing: ${cores} CPUs ÷ rate`, (c) => `${f(c.freeSender)}`.padStart(19)) +
    row('floor ÷ that budget', (c) => `${(c.floor / c.freeSender).toFixed(2)}×`.padStart(19)) +
    row('lost by the count-only receiver', (c) => `${c.lost.toLocaleString('en')}`.padStart(19)),
  );
}

if (opts.receive) await receive(opts.receive);
else await main();
