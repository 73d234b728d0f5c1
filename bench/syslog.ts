/**
 * Syslog ingest benchmark (`npm run bench:syslog`): messages per second through parse and
 * classify (the shipped rule packs) in one process without sockets, over TCP (4
 * connections, mixed framing, sender paced by backpressure) and over UDP; and the UDP loss
 * at rising send rates, split into kernel receive-buffer drops (the `drops` column of
 * /proc/net/udp for the listener's socket) and gateway drops. Prints a table. Loopback only;
 * every load is bounded in count and time. Knobs: BENCH_TCP_COUNT, BENCH_UDP_RATES,
 * BENCH_STEP_SECONDS.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { compilePlan } from '../src/app/compile.js';
import { loadConfig } from '../src/config/load.js';
import { syslogEvent } from '../src/listeners/syslog/normalize.js';
import { udpDrops } from './lib/proc.js';

const root = resolve(import.meta.dirname, '..');
const TCP_COUNT = Number(process.env.BENCH_TCP_COUNT ?? 200_000);
const UDP_RATES = (process.env.BENCH_UDP_RATES ?? '5000,10000,20000,40000,80000').split(',').map(Number);
const STEP_SECONDS = Number(process.env.BENCH_STEP_SECONDS ?? 3);

const LINES = [
  (i: number) => `<12>Mar  2 10:15:02 fs01 avscan: Virus found: EICAR-${i % 50} in /srv/share/f${i}.com on PC-${i % 500}`,
  (i: number) => `<11>1 2026-03-02T03:00:12.000Z av-console updater 77 - [meta@32473 seq="${i}"] Pattern update failed: connection timed out`,
  (i: number) => `<14>Mar  2 10:15:02 sw01 kernel: eth${i % 4} link up, 1000 Mbps full duplex seq=${i}`,
  (i: number) => `<13>Mar  2 10:15:02 apex CEF:0|Trend Micro|Apex Central|2019|AV:Virus found|Virus found|8|dhost=PC-${i % 500} cs1Label=VirusName cs1=EICAR seq=${i}`,
];
const line = (i: number) => LINES[i % LINES.length]!(i);

interface Stats { classified: number; received: number; dropped: number; rssMiB: number }

function startGateway(): Promise<{ child: ChildProcess; udp: number; tcp: number; rules: number; stats(): Promise<Stats> }> {
  const child = fork(resolve(import.meta.dirname, 'syslog-gateway.ts'), { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  return new Promise((res, rej) => {
    child.once('error', rej);
    child.once('message', (m: { udp: number; tcp: number; rules: number }) => {
      res({
        child, udp: m.udp, tcp: m.tcp, rules: m.rules,
        stats: () => new Promise((r) => {
          child.once('message', (s: Stats) => r(s));
          child.send({ type: 'stats' });
        }),
      });
    });
  });
}

async function waitClassified(stats: () => Promise<Stats>, target: number, timeoutMs: number): Promise<Stats> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await stats();
    if (s.classified >= target || Date.now() > deadline) return s;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function parseClassifyCeiling(): number {
  const loaded = loadConfig(resolve(root, 'config/eventgate.yaml'), {});
  if (!loaded.ok) throw new Error('config/eventgate.yaml invalid');
  const compiled = compilePlan(loaded.loaded);
  if (!compiled.ok) throw new Error('config/eventgate.yaml does not compile');
  const buffers = Array.from({ length: 1000 }, (_, i) => Buffer.from(line(i)));
  const peer = { address: '127.0.0.1', port: 1, transport: 'udp' } as const;
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < 2000) {
    for (const b of buffers) {
      const built = syslogEvent(b, { id: 'x', now: Date.now(), listener: 'bench', peer });
      if (built) compiled.plan.classifier(built.event);
      n++;
    }
  }
  return n / ((performance.now() - start) / 1000);
}

async function tcpThroughput(port: number, stats: () => Promise<Stats>): Promise<{ rate: number; rss: number }> {
  const before = (await stats()).classified;
  const start = performance.now();
  const per = Math.ceil(TCP_COUNT / 4);
  await Promise.all(Array.from({ length: 4 }, async (_, c) => {
    const s = connect({ host: '127.0.0.1', port });
    await new Promise((r) => s.once('connect', r));
    for (let i = 0; i < per; i += 100) {
      let batch = '';
      for (let j = i; j < i + 100 && j < per; j++) {
        const msg = line(j);
        batch += c % 2 ? `${Buffer.byteLength(msg)} ${msg}` : `${msg}\n`;
      }
      if (!s.write(batch)) await new Promise((r) => s.once('drain', r));
    }
    await new Promise<void>((r) => s.end(() => r()));
  }));
  const s = await waitClassified(stats, before + per * 4, 120_000);
  return { rate: (s.classified - before) / ((performance.now() - start) / 1000), rss: s.rssMiB };
}

/** Waits until the gateway has classified nothing new for 300 ms (the previous step is done). */
async function idle(stats: () => Promise<Stats>): Promise<void> {
  let last = -1;
  for (let i = 0; i < 100; i++) {
    const s = await stats();
    if (s.classified === last) return;
    last = s.classified;
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Sends `rate`/s for STEP_SECONDS (rate 0: `count` datagrams as fast as possible). */
async function udpStep(port: number, rate: number, stats: () => Promise<Stats>, count = rate * STEP_SECONDS) {
  await idle(stats);
  const sock = createSocket('udp4');
  const before = await stats();
  const dropsBefore = udpDrops(port) ?? NaN;
  const total = count;
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    // Send what the schedule says is due, then yield so the socket buffers can flush.
    const due = rate === 0 ? Math.min(total, sent + 500) : Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    for (; sent < due; sent++) sock.send(line(sent), port, '127.0.0.1');
    await new Promise((r) => setImmediate(r));
    if (performance.now() - start > STEP_SECONDS * 1000 * 5) break;
  }
  const sendSeconds = (performance.now() - start) / 1000;
  await idle(stats);
  const after = await stats();
  sock.close();
  const classified = after.classified - before.classified;
  const kernel = (udpDrops(port) ?? NaN) - dropsBefore;
  const gateway = after.dropped - before.dropped;
  return { rate, sent, sendRate: sent / sendSeconds, classified, kernel, gateway, lossPct: (100 * (sent - classified)) / sent, unaccounted: sent - classified - kernel - gateway };
}

const gw = await startGateway();
const os = await import('node:os');
console.log(`eventgate syslog benchmark: ${gw.rules} rules, node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)} at start\n`);
const ceiling = parseClassifyCeiling();
const tcp = await tcpThroughput(gw.tcp, gw.stats);
const udpMax = await udpStep(gw.udp, 0, gw.stats, 50_000);
console.log('| path | msgs/s |');
console.log('| --- | --- |');
console.log(`| parse + classify, one process, no sockets | ${Math.round(ceiling)} |`);
console.log(`| TCP, 4 connections (2 LF, 2 octet-counted), ${TCP_COUNT} msgs, backpressure | ${Math.round(tcp.rate)} |`);
console.log(`| UDP, sender flat out: ${udpMax.sent} sent at ${Math.round(udpMax.sendRate)}/s; classified ${udpMax.classified}, kernel drops ${udpMax.kernel} | ${udpMax.lossPct.toFixed(1)} % lost |`);
console.log(`\nUDP loss at rising rates (${STEP_SECONDS} s per step, 4 MiB receive buffer):\n`);
console.log('| target/s | sent | achieved/s | classified | kernel drops | gateway drops | loss % | unaccounted |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const rate of UDP_RATES) {
  const r = await udpStep(gw.udp, rate, gw.stats);
  console.log(`| ${rate} | ${r.sent} | ${Math.round(r.sendRate)} | ${r.classified} | ${r.kernel} | ${r.gateway} | ${r.lossPct.toFixed(2)} | ${r.unaccounted} |`);
}
console.log(`\ngateway RSS after the run: ${(await gw.stats()).rssMiB.toFixed(0)} MiB`);
gw.child.send({ type: 'stop' });
