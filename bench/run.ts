/**
 * `npm run bench`: builds the gateway, runs every scenario (bench/lib/scenarios.ts) against
 * `eventgate run` with every shipped rule pack, and with `--peers` the same loads against
 * private rsyslogd and snmptrapd instances; prints one table and writes it as JSON to
 * bench/results/<date>-<commit>.json. Loopback only; every step bounded in count and time.
 *
 *   npm run bench [-- --quick] [-- --peers] [-- --only udp,trap] [-- --profile]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOptions } from './lib/args.js';
import { detectFeatures } from './lib/gateway.js';
import { measureGateway, measurePeer, type Context } from './lib/measure.js';
import { RSYSLOGD, SNMPTRAPD } from './lib/peers.js';
import { loadAverage, readCpu } from './lib/proc.js';
import { sleep } from './lib/gateway.js';
import { hotSpots, type CpuProfile } from './lib/profile.js';
import { BURST_RATE, plan, type Step } from './lib/scenarios.js';
import { formatLossless, formatTable, losslessBursts, losslessRates, ratio, type Row } from './lib/table.js';

const HELP = `usage: npm run bench -- [options]
  --quick          short steps and fewer rates (a few minutes; for shared machines)
  --peers          also run each load against private rsyslogd / snmptrapd and print ratios
  --only LIST      comma-separated prefixes of scenario ids (udp, tcp, trap-v2c, trap-v3, exec)
  --profile        node --cpu-prof on the gateway in the UDP flat-out step; prints the hot spots
  --profile-step ID  profile this step instead (e.g. udp-3164@10000)
  --no-build       use dist/ as it is
  --keep           keep the work directory (configs, logs, daemon output)
  --quiet-wait S   before each step wait up to S seconds for the machine to be < 20 % busy
  --out DIR        where the JSON goes (bench/results)
Environment: BENCH_NODE_FLAGS="--flag ..." adds node flags to the gateway's command line.
`;
const opts = parseOptions(process.argv.slice(2), { quick: false, peers: false, only: '', profile: false, 'profile-step': 'udp-3164@max', 'quiet-wait': 0, 'no-build': false, keep: false, out: '' }, HELP);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = (s: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

if (!opts['no-build']) {
  log('npm run build');
  const b = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(1);
}
const features = detectFeatures(JSON.parse(readFileSync(join(root, 'config/eventgate.schema.json'), 'utf8')));
const git = (...a: string[]) => {
  try {
    return execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
};
const commit = git('rev-parse', '--short', 'HEAD');
const dirty = git('status', '--porcelain', '--untracked-files=no', 'src') !== '';
const work = mkdtempSync(join(tmpdir(), 'eventgate-bench-'));
const ctx: Context = { root, work, features };
const only = opts.only.split(',').filter(Boolean);
const steps = plan(opts.quick).filter((s) => only.length === 0 || only.some((p) => s.id.startsWith(p)));
const peersAvailable = { rsyslog: existsSync(RSYSLOGD), snmptrapd: existsSync(SNMPTRAPD) };
const load0 = loadAverage();
const machine = `${cpus()[0]?.model ?? 'cpu'}, ${cpus().length} CPUs, node ${process.version}`;
log(`${machine}; load average ${load0}; features ${JSON.stringify(features)}; work dir ${work}`);

const rows: Row[] = [];
let profileSummary: ReturnType<typeof hotSpots> | undefined;
const profileStep = steps.find((s) => s.id === opts['profile-step']);
for (const step of steps) {
  const target = step.rate === 0 ? 'max' : String(step.rate);
  const missing = step.needs.filter((f) => !features[f]);
  let row: Row;
  if (missing.length) {
    row = { id: step.id, target, skipped: `this build has no ${missing.join(', ')}` };
    log(`${step.id}: eventgate skipped (no ${missing.join(', ')})`);
  } else {
    await waitQuiet(opts['quiet-wait']);
    log(`${step.id}: eventgate (load average ${loadAverage()})`);
    const profDir = opts.profile && step === profileStep ? join(work, 'cpu-prof') : undefined;
    try {
      row = { id: step.id, target, eventgate: await measureGateway(step, ctx, profDir) };
    } catch (err) {
      row = { id: step.id, target, skipped: `failed: ${(err as Error).message.split('\n')[0]}` };
      log(`${step.id}: ${(err as Error).message}`);
    }
    if (profDir) profileSummary = summariseProfile(profDir);
  }
  if (opts.peers && peerFor(step)) {
    await waitQuiet(opts['quiet-wait']);
    log(`${step.id}: ${peerFor(step)}`);
    try {
      const peer = await measurePeer(step, ctx);
      if (peer) row = { ...row, peer };
    } catch (err) {
      log(`${step.id}: peer failed: ${(err as Error).message}`);
    }
  }
  rows.push(row);
  log(`${step.id}: ${JSON.stringify(row.eventgate ?? row.skipped)}${row.peer ? ` peer ${JSON.stringify(row.peer)}` : ''}`);
}

const load1 = loadAverage();
const header = `eventgate ${commit}${dirty ? ' (uncommitted changes in src)' : ''}, ${opts.quick ? 'quick' : 'full'} run, ${new Date().toISOString()}\n` +
  `${machine}; load average before ${load0}, after ${load1}; gateway ${features.http ? 'eventgate run (dist)' : 'dist hosted by bench/gateway-host.mjs'}; ` +
  `features ${Object.entries(features).filter(([, v]) => v).map(([k]) => k).join(', ') || 'udp only'}\n` +
  (profileSummary ? `${opts['profile-step']} ran under node --cpu-prof (its gateway figures include the profiler's overhead)\n` : '');
const table = formatTable(rows, opts.peers);
const lossless = losslessRates(rows);
const bursts = losslessBursts(rows);
process.stdout.write(`\n${header}\n${table}\n\nHighest steady rate lost ≤ 0.1 % (steps tried: the rates above):\n\n${formatLossless(lossless)}\n`);
if (bursts.length) process.stdout.write(`\nLargest burst at ${BURST_RATE.toLocaleString('en')}/s lost ≤ 0.1 % (messages):\n\n${formatLossless(bursts, 'lossless burst')}\n`);
if (profileSummary) {
  process.stdout.write(`\nCPU profile of the gateway, ${opts['profile-step']}, from the first datagram on (self time, share of busy time):\n`);
  for (const h of profileSummary) process.stdout.write(`  ${String(h.percent).padStart(5)} %  ${h.selfMs} ms  ${h.fn}  ${h.where}\n`);
}

const outDir = opts.out || join(root, 'bench/results');
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `${new Date().toISOString().slice(0, 10)}-${commit}${opts.quick ? '-quick' : ''}.json`);
writeFileSync(file, JSON.stringify({
  commit, dirty, date: new Date().toISOString(), quick: opts.quick, machine, loadAverage: { before: load0, after: load1 }, features,
  rows: rows.map((r) => ({ ...r, ratio: ratio(r) })), lossless, bursts, ...(profileSummary ? { profile: profileSummary } : {}),
}, null, 2) + '\n');
log(`wrote ${file}`);
if (opts.keep) log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });

function peerFor(step: Step): string | undefined {
  // No peer runs hooks beside a syslog load: compare with the same step without them.
  if (step.hooksAlongside) return undefined;
  if (step.load.kind === 'syslog') return peersAvailable.rsyslog ? 'rsyslogd' : undefined;
  return peersAvailable.snmptrapd ? 'snmptrapd' : undefined;
}

function summariseProfile(dir: string): ReturnType<typeof hotSpots> | undefined {
  if (!existsSync(dir)) return undefined;
  // One file per thread (the store's checkpoint thread has its own): the event loop's is
  // the one whose thread id, the field before the sequence number, is 0.
  const files = readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'));
  const f = files.find((x) => x.split('.').at(-3) === '0') ?? files[0];
  if (!f) return undefined;
  if (opts.keep) log(`cpu profile ${join(dir, f)}`);
  // The steady state starts at the first message: a worker's or a stream's.
  const startAt = opts['profile-step'].startsWith('tcp') ? 'onStreamRead' : 'onMessage';
  return hotSpots(JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile, 20, root, startAt);
}

/** On a shared host: wait (bounded) until the other jobs leave the CPUs mostly idle. */
async function waitQuiet(limitSeconds: number): Promise<void> {
  const deadline = Date.now() + limitSeconds * 1000;
  while (Date.now() < deadline) {
    const a = readCpu();
    await sleep(1000);
    const b = readCpu();
    if (!a || !b || b.total <= a.total || (b.busy - a.busy) / (b.total - a.total) < 0.2) return;
  }
  if (limitSeconds > 0) log(`machine still busy after ${limitSeconds} s; measuring anyway`);
}
