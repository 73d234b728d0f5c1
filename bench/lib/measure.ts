/**
 * One measured step: start the receiver (the gateway, or a peer daemon), run the sender
 * process, wait until the receiver has caught up (everything accounted for, or no progress
 * for 2 s, or 60 s), and read what it cost: CPU from /proc/<pid>/stat over the window from
 * load start to the last progress, peak RSS (VmHWM), kernel UDP drops, and for the gateway
 * its own counters and ingest latency histogram from /metrics.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchConfig, counters, sleep, startGateway, V3, COMMUNITY, type Features, type RunningGateway } from './gateway.js';
import { LineCounter, startRsyslog, startSnmptrapd, type Peer } from './peers.js';
import { readPeakRss, readTicks, udpDrops } from './proc.js';
import { bucketDelta, buckets, quantile } from './prom.js';
import type { Load, Step } from './scenarios.js';

export const HZ = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface SenderResult {
  started_ms: number;
  sent: number;
  errors: number;
  seconds: number;
  rate: number;
  cpu_s: number;
}

export interface Measured {
  sent: number;
  received: number;
  classified?: number;
  lost: number;
  kernelDrops?: number;
  rate: number;
  cpuPercent?: number;
  /** CPU time per message handled, in µs: less sensitive than rates to other jobs on the host. */
  cpuUsPerMsg?: number;
  peakRssMb?: number;
  p50ms?: number;
  p99ms?: number;
  sendRate: number;
  note?: string;
}

export interface Context {
  readonly root: string;
  readonly work: string;
  readonly features: Features;
}

const HANDLER = '#!/bin/sh\n# bench hook: one line per run\necho handled >> "$1"\n';

export function runSender(root: string, load: Load, port: number, step: Step): Promise<SenderResult> {
  const args = load.kind === 'syslog'
    ? ['bench/syslog-load.ts', '--proto', load.proto, '--format', load.format, '--framing', load.framing, '--procs', String(load.procs)]
    : ['bench/trap-load.ts', '--version', load.version, '--community', COMMUNITY, '--user', V3.user, '--auth-key', V3.auth, '--priv-key', V3.priv, '--engine-id', V3.engineId];
  args.push('--port', String(port), '--rate', String(step.rate), '--count', String(step.count), '--max-seconds', String(step.maxSeconds));
  // Hook runs are compared with traphandle, which runs one per trap: notify every trap.
  if (step.hook && load.kind === 'trap') args.push('--unique-links');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as SenderResult) : reject(new Error(`sender exited ${code}`))));
  });
}

/**
 * A running service has long since compiled its hot paths: before a step, the gateway gets
 * WARM_UP messages at WARM_UP_RATE/s, and the step's figures start after they are processed.
 */
const WARM_UP = 3000;
const WARM_UP_RATE = 3000;

async function warmUp(root: string, load: Load, port: number, gw: RunningGateway): Promise<void> {
  const total = async () => {
    const c = counters(await gw.metrics());
    return c.classified + c.dropped + c.rejected;
  };
  const start = await total();
  await runSender(root, load, port, { id: 'warm-up', load, rate: WARM_UP_RATE, count: WARM_UP, maxSeconds: 10, needs: [] });
  await settle(total, (v) => v - start >= WARM_UP);
}

/** Polls `progress` until `done` or no change for `idleMs`; returns the time of the last change. */
async function settle(progress: () => Promise<number> | number, done: (v: number) => boolean, idleMs = 2000, capMs = 60_000): Promise<{ value: number; lastChange: number }> {
  const start = Date.now();
  let value = await progress();
  let lastChange = Date.now();
  while (!done(value) && Date.now() - lastChange < idleMs && Date.now() - start < capMs) {
    await sleep(100);
    const v = await progress();
    if (v !== value) {
      value = v;
      lastChange = Date.now();
    }
  }
  return { value, lastChange };
}

const pct = (ticks: number, seconds: number) => (seconds > 0 ? Math.round((100 * ticks) / HZ / seconds) : undefined);
const usPer = (ticks: number, n: number) => (n > 0 ? Math.round((ticks / HZ) * 1e6 / n * 10) / 10 : undefined);
const mb = (bytes: number | undefined) => (bytes === undefined ? undefined : Math.round(bytes / 1048576));

export async function measureGateway(step: Step, ctx: Context, cpuProfDir?: string): Promise<Measured> {
  const dir = join(ctx.work, `eventgate-${step.id.replace(/[^\w.-]+/g, '_')}`);
  mkdirSync(dir, { recursive: true });
  const alongside = step.hooksAlongside;
  const hook = step.hook || alongside ? { script: join(dir, 'hook.sh'), out: join(dir, 'hook.out'), trapsOnly: alongside !== undefined } : undefined;
  if (hook) writeFileSync(hook.script, HANDLER);
  const load: Load = step.hook && !ctx.features.snmp ? { kind: 'syslog', proto: 'udp', format: '3164', framing: 'lf', procs: 1 } : step.load;
  const gw = await startGateway({ root: ctx.root, dir, config: benchConfig({ root: ctx.root, dir, features: ctx.features, ...(hook ? { hook } : {}) }), features: ctx.features, ...(cpuProfDir ? { cpuProfDir } : {}) });
  try {
    const listener = load.kind === 'trap' ? 'traps' : load.proto;
    const port = gw.port(listener);
    if (port === undefined) throw new Error(`gateway has no listener ${listener}`);
    const udpPort = load.kind === 'trap' || load.proto === 'udp' ? port : undefined;
    if (!step.hook) await warmUp(ctx.root, load, port, gw);
    const before = await gw.metrics();
    const c0 = counters(before);
    const drops0 = udpPort ? udpDrops(udpPort) ?? 0 : 0;
    const ticks0 = readTicks(gw.pid, true) ?? 0;
    const beside = alongside ? runHookLoad(ctx.root, gw, step, alongside) : undefined;
    const [main, side] = await Promise.all([runSender(ctx.root, load, port, step), beside]);
    // With hooks alongside, the step's figures cover both loads (every event is counted
    // alike); the hook runs are reported in the note.
    const sender = side ? { ...main, sent: main.sent + side.sent } : main;
    const t0 = sender.started_ms;
    const hookCounter = step.hook && hook ? new LineCounter([hook.out]) : undefined;
    const snap = async () => {
      const c = counters(await gw.metrics());
      const kd = udpPort ? (udpDrops(udpPort) ?? 0) - drops0 : 0;
      return { c, kd };
    };
    let last = await snap();
    const { lastChange } = await settle(async () => {
      last = await snap();
      return hookCounter ? hookCounter.count() : last.c.classified + last.c.dropped + last.c.rejected;
    }, (v) => (hookCounter ? v >= sender.sent : v - c0.classified - c0.dropped - c0.rejected + last.kd >= sender.sent));
    const ticks1 = readTicks(gw.pid, true) ?? 0;
    const after = await gw.metrics();
    const c1 = counters(after);
    const window = Math.max(0.001, (lastChange - t0) / 1000);
    const latency = bucketDelta(buckets(after, 'eventgate_ingest_latency_seconds'), buckets(before, 'eventgate_ingest_latency_seconds'));
    const q = (x: number) => {
      const v = quantile(x, latency);
      return v === undefined ? undefined : Math.round(v * 10000) / 10;
    };
    const classified = c1.classified - c0.classified;
    const received = hookCounter ? hookCounter.count() : c1.received - c0.received;
    const done = hookCounter ? received : classified;
    return {
      sent: sender.sent, received, classified, lost: sender.sent - done, ...(udpPort ? { kernelDrops: last.kd } : {}),
      rate: Math.round(done / window), ...opt('cpuPercent', pct(ticks1 - ticks0, window)), ...opt('cpuUsPerMsg', usPer(ticks1 - ticks0, done)),
      ...opt('peakRssMb', mb(readPeakRss(gw.pid))),
      ...opt('p50ms', q(0.5)), ...opt('p99ms', q(0.99)), sendRate: sender.rate,
      ...(step.hook ? { note: `hook runs (${load.kind === 'trap' ? 'traps' : 'syslog udp'} in)` } : {}),
      ...(side && hook ? { note: hooksNote(step, main, side, new LineCounter([hook.out]).count(), window) } : {}),
    };
  } finally {
    const code = await gw.stop();
    if (code !== 0) process.stderr.write(`bench: gateway for ${step.id} exited ${code}\n${gw.output().slice(-2000)}\n`);
  }
}

/** Traps at `rate`/s beside the step, each notified to the hook (which cannot keep up). */
function runHookLoad(root: string, gw: RunningGateway, step: Step, rate: number): Promise<SenderResult> {
  const port = gw.port('traps');
  if (port === undefined) throw new Error('gateway has no listener traps');
  const load: Load = { kind: 'trap', version: '2c' };
  const seconds = step.count / step.rate;
  return runSender(root, load, port, { id: `${step.id}:hooks`, load, rate, count: Math.round(rate * seconds), maxSeconds: step.maxSeconds, hook: true, needs: [] });
}

function hooksNote(step: Step, main: SenderResult, side: SenderResult, runs: number, window: number): string {
  return `${main.sent.toLocaleString('en')} syslog at ${step.rate.toLocaleString('en')}/s + ${side.sent.toLocaleString('en')} traps at ${side.rate.toLocaleString('en')}/s ` +
    `notified to a hook; ${Math.round(runs / window)} hook runs/s meanwhile`;
}

export async function measurePeer(step: Step, ctx: Context): Promise<Measured & { peer: string } | undefined> {
  const dir = join(ctx.work, `peer-${step.id.replace(/[^\w.-]+/g, '_')}`);
  mkdirSync(dir, { recursive: true });
  let peer: Peer;
  let name: string;
  if (step.load.kind === 'syslog') {
    peer = await startRsyslog(dir);
    name = 'rsyslogd';
  } else if (step.hook) {
    const hook = { script: join(dir, 'hook.sh'), out: join(dir, 'hook.out') };
    writeFileSync(hook.script, HANDLER);
    peer = await startSnmptrapd(dir, hook);
    name = 'snmptrapd traphandle';
  } else {
    peer = await startSnmptrapd(dir);
    name = 'snmptrapd';
  }
  try {
    const port = step.load.kind === 'syslog' ? peer.ports[step.load.proto]! : peer.ports.udp!;
    const drops0 = peer.drops() ?? 0;
    const ticks0 = readTicks(peer.pid, true) ?? 0;
    const sender = await runSender(ctx.root, step.load, port, step);
    const t0 = sender.started_ms;
    const { value, lastChange } = await settle(() => peer.count(), (v) => v >= sender.sent);
    const ticks1 = readTicks(peer.pid, true) ?? 0;
    const window = Math.max(0.001, (lastChange - t0) / 1000);
    const isUdp = step.load.kind === 'trap' || step.load.proto === 'udp';
    return {
      peer: name, sent: sender.sent, received: value, lost: sender.sent - value, ...(isUdp ? { kernelDrops: (peer.drops() ?? 0) - drops0 } : {}),
      rate: Math.round(value / window), ...opt('cpuPercent', pct(ticks1 - ticks0, window)), ...opt('cpuUsPerMsg', usPer(ticks1 - ticks0, value)),
      ...opt('peakRssMb', mb(readPeakRss(peer.pid))), sendRate: sender.rate,
    };
  } finally {
    await peer.stop();
  }
}

function opt<K extends string>(key: K, v: number | undefined): { [P in K]?: number } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: number };
}
