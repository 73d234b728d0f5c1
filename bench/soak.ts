/**
 * `npm run bench:soak`: TEST-PLAN L5. `eventgate run` takes a steady syslog load (one line
 * in ten a virus detection) and every virus notification goes to all four channel types:
 * email to an SMTP server in this process (smtp-server), SNMP traps to a private snmptrapd
 * (when installed), an exec hook and the log. Every 10 s it samples the gateway's RSS, open
 * file descriptors and descendant processes; after the warm-up it fits a line to RSS. Pass:
 * an RSS slope under 1 MB per 10 min; fds and processes, once the load has stopped and the
 * outbox is empty, within ±5 of where they were at the end of the warm-up; every channel
 * delivered every notification. Loopback only, bounded by --minutes.
 *
 *   npm run bench:soak [-- --minutes 120 --warmup 15 --rate 1000]
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { parseOptions } from './lib/args.js';
import { ROOT } from './lib/corpus.js';
import { detectFeatures, sleep, startGateway } from './lib/gateway.js';
import { runSender } from './lib/measure.js';
import { LineCounter, SNMPTRAPD, startSnmptrapd, type Peer } from './lib/peers.js';
import { parseStatusKb } from './lib/proc.js';
import { sum } from './lib/prom.js';

const HELP = `usage: soak.ts [--minutes M] [--warmup W] [--rate R] [--out DIR]
  --minutes M   length of the load (120)
  --warmup W    minutes left out of the RSS fit (15)
  --rate R      syslog messages/s (1000)
  --out DIR     where the JSON goes (bench/results)
`;
const opts = parseOptions(process.argv.slice(2), { minutes: 120, warmup: 15, rate: 1000, out: '' }, HELP);
const SAMPLE_MS = 10_000;
const log = (s: string) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

interface Sample { readonly minute: number; readonly rssMb: number; readonly fds: number; readonly processes: number }

/** The processes below `pid` (the hook spawner, hooks, helpers). */
function descendants(pid: number): number {
  const parents = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parents.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  let n = 0;
  for (const p of parents.keys()) for (let q = parents.get(p); q !== undefined && q > 1; q = parents.get(q)) if (q === pid) { n++; break; }
  return n;
}

function sampleOf(pid: number, startedAt: number): Sample {
  const rss = parseStatusKb(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS') ?? 0;
  return { minute: (Date.now() - startedAt) / 60_000, rssMb: rss / 1048576, fds: readdirSync(`/proc/${pid}/fd`).length, processes: descendants(pid) };
}

/** Least-squares slope of RSS (MB per minute). */
function slope(s: readonly Sample[]): number {
  const n = s.length;
  if (n < 2) return 0;
  const mx = s.reduce((a, x) => a + x.minute, 0) / n;
  const my = s.reduce((a, x) => a + x.rssMb, 0) / n;
  const cov = s.reduce((a, x) => a + (x.minute - mx) * (x.rssMb - my), 0);
  const varx = s.reduce((a, x) => a + (x.minute - mx) ** 2, 0);
  return varx > 0 ? cov / varx : 0;
}

const work = mkdtempSync(join(tmpdir(), 'eventgate-soak-'));
let mails = 0;
const smtp = new SMTPServer({
  authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
  onData(stream, _session, cb) {
    stream.on('data', () => {});
    stream.on('end', () => { mails++; cb(); });
  },
});
await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
const smtpPort = (smtp.server.address() as { port: number }).port;
let trapd: Peer | undefined;
if (existsSync(SNMPTRAPD)) {
  mkdirSync(join(work, 'snmptrapd'));
  trapd = await startSnmptrapd(join(work, 'snmptrapd'));
} else log('snmptrapd is not installed: no snmp channel');
const hookOut = join(work, 'hook.out');
const hook = join(work, 'hook.sh');
writeFileSync(hook, `#!/bin/sh\necho "$EVENTGATE_NOTIFICATION_ID" >> '${hookOut}'\n`);
chmodSync(hook, 0o755);
const gwDir = join(work, 'gateway');
mkdirSync(gwDir);
// The snmp channel's community, by reference as the config requires (the gateway inherits it).
process.env.BENCH_COMMUNITY = 'public';
const features = detectFeatures(JSON.parse(readFileSync(join(ROOT, 'config/eventgate.schema.json'), 'utf8')));
const gw = await startGateway({ root: ROOT, dir: gwDir, features, config: gatewayConfig() }).catch(async (err: unknown) => {
  // Nothing may outlive the bench: the peers it started go with it.
  await trapd?.stop();
  await new Promise<void>((r) => smtp.close(() => r()));
  throw err;
});

function gatewayConfig(): string {
  return `
listeners: { syslog: [{ id: udp, protocol: udp, address: 127.0.0.1, port: 0 }] }
rules: [${JSON.stringify(join(ROOT, 'config/rules/*.yaml'))}]
store: { path: ${JSON.stringify(join(gwDir, 'state'))} }
http: { listen: "127.0.0.1:0" }
channels:
  mail: { type: email, smtp: { servers: ["127.0.0.1:${smtpPort}"], tls: none }, to: soc@example.com }
  hook: { type: exec, command: ${hook} }
  console: { type: log, format: text }
${trapd ? `  noc: { type: snmp, targets: [{ host: 127.0.0.1, port: ${trapd.ports.udp}, community: { env: BENCH_COMMUNITY } }] }` : ''}
routes:
  - { match: { category: virus }, channels: [mail, hook, console${trapd ? ', noc' : ''}] }
log: { level: info }
`;
}

const startedAt = Date.now();
const baseline = sampleOf(gw.pid, startedAt);
const samples: Sample[] = [baseline];
const seconds = opts.minutes * 60;
log(`${opts.rate}/s for ${opts.minutes} min (fit after ${opts.warmup} min); gateway ${gw.pid}, work dir ${work}`);
const load = { kind: 'syslog', proto: 'udp', format: '3164', framing: 'lf', procs: 1 } as const;
const sending = runSender(ROOT, load, gw.port('udp')!, { id: 'soak', load, rate: opts.rate, count: opts.rate * seconds, maxSeconds: seconds + 30, needs: [] });
let sent: number | undefined;
void sending.then((r) => (sent = r.sent));
while (sent === undefined) {
  await sleep(SAMPLE_MS);
  const s = sampleOf(gw.pid, startedAt);
  samples.push(s);
  if (samples.length % 6 === 0) log(`minute ${s.minute.toFixed(1)}: RSS ${s.rssMb.toFixed(1)} MB, fds ${s.fds}, processes ${s.processes}, mails ${mails}`);
}
// Drained: the outbox empty, then a few seconds for hooks to end.
const deadline = Date.now() + 120_000;
while (Date.now() < deadline && sum(await gw.metrics(), 'eventgate_outbox_depth') > 0) await sleep(1000);
await sleep(5000);
const end = sampleOf(gw.pid, startedAt);
const m = await gw.metrics();
const fitted = samples.filter((s) => s.minute >= opts.warmup);
// fds and processes are compared with the first sample after the warm-up: by then each
// output holds what it keeps for good (pooled SMTP connections, the SNMP socket, the hook
// spawner and its pipes), which the gateway opens at its first delivery, not at its start.
const steady = fitted[0] ?? baseline;
const perTenMin = slope(fitted) * 10;
const virus = sum(m, 'eventgate_classified_events_total', { category: 'virus' });
const delivered = { mail: mails, hook: new LineCounter([hookOut]).count(), ...(trapd ? { snmp: trapd.count() } : {}) };
const result = {
  commit: (() => { try { return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim(); } catch { return 'unknown'; } })(),
  rate: opts.rate, minutes: opts.minutes, warmup: opts.warmup, sent, virus, delivered,
  rssMb: { baseline: baseline.rssMb, end: end.rssMb, max: Math.max(...samples.map((s) => s.rssMb)), slopePer10Min: perTenMin },
  fds: { start: baseline.fds, afterWarmup: steady.fds, end: end.fds }, processes: { start: baseline.processes, afterWarmup: steady.processes, end: end.processes },
  pass: {
    rss: fitted.length >= 2 && perTenMin < 1,
    fds: Math.abs(end.fds - steady.fds) <= 5,
    processes: Math.abs(end.processes - steady.processes) <= 5,
    delivered: Object.values(delivered).every((n) => n >= virus),
  },
  samples,
};
await gw.stop();
await trapd?.stop();
await new Promise<void>((r) => smtp.close(() => r()));
const f = (x: number) => x.toFixed(1);
process.stdout.write(`soak: ${sent} sent at ${opts.rate}/s over ${opts.minutes} min; ${virus} virus notifications per channel, delivered ${JSON.stringify(delivered)}
RSS: ${f(baseline.rssMb)} MB at start, ${f(result.rssMb.max)} MB at most, slope ${perTenMin.toFixed(2)} MB per 10 min after minute ${opts.warmup} (${fitted.length} samples; pass < 1): ${result.pass.rss ? 'pass' : 'FAIL'}
fds ${steady.fds} after the warm-up → ${end.fds} at the end, processes ${steady.processes} → ${end.processes} (pass ±5; at start ${baseline.fds} and ${baseline.processes}): ${result.pass.fds && result.pass.processes ? 'pass' : 'FAIL'}
`);
const outDir = opts.out || join(ROOT, 'bench/results');
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `${new Date().toISOString().slice(0, 10)}-soak-${opts.minutes}min.json`);
writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
log(`wrote ${file}`);
rmSync(work, { recursive: true, force: true });
process.exit(Object.values(result.pass).every(Boolean) ? 0 : 1);
