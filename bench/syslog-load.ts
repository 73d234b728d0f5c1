/**
 * Syslog load generator: RFC 3164 or 5424 lines over UDP or TCP (LF or octet-counted
 * framing), at a target rate or flat out (`--rate 0`), from N sender processes. Lines come
 * from a pre-built pool (sequence numbers wrap at the pool size) so the sender stays cheap:
 * it shares the CPUs with the receiver under test. Always bounded by `--count` and
 * `--max-seconds`. Prints one JSON object on stdout: sent, errors, seconds, rate, cpu_s.
 *
 *   node --import tsx bench/syslog-load.ts --proto udp --port 5514 --rate 50000 --count 250000
 */
import { fork } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseOptions } from './lib/args.js';
import { frame, syslogLine, VIRUS_EVERY, type SyslogFormat } from './lib/syslog-lines.js';

const HELP = `usage: syslog-load.ts [options]
  --proto udp|tcp     transport (udp)
  --host H --port P   destination (127.0.0.1:5514); loopback only
  --rate R            messages/s in total, 0 = flat out (10000)
  --count N           messages in total (100000)
  --max-seconds S     hard stop (30)
  --format 3164|5424  (3164)
  --framing lf|octet  TCP framing (lf)
  --size B            bytes per line, about (150)
  --procs N           sender processes sharing the load (1)
  --sender I          index of this sender, part of every seq= (0)
`;

const opts = parseOptions(process.argv.slice(2), {
  proto: 'udp', host: '127.0.0.1', port: 5514, rate: 10000, count: 100000, 'max-seconds': 30,
  format: '3164', framing: 'lf', size: 150, procs: 1, sender: 0,
}, HELP);

export interface SendResult {
  /** Wall-clock ms when the first message went out (receivers' windows start here). */
  started_ms: number;
  sent: number;
  errors: number;
  lastError?: string;
  seconds: number;
  rate: number;
  cpu_s: number;
}

if (!['127.0.0.1', '::1', 'localhost'].includes(opts.host)) throw new Error('loopback destinations only');
const POOL = VIRUS_EVERY * 820;
const date = new Date();
const lines = Array.from({ length: POOL }, (_, n) => syslogLine(n, { format: opts.format as SyslogFormat, sender: opts.sender, size: opts.size, date, pid: process.pid }));
let started = process.hrtime.bigint();
let startedMs = Date.now();
/** Called once the pool is built and the socket connected: the clock of the step starts. */
const begin = () => {
  started = process.hrtime.bigint();
  startedMs = Date.now();
};
const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** How many more to send now to stay on schedule (all that are left when flat out). */
function due(sent: number): number {
  const target = opts.rate > 0 ? Math.min(opts.count, Math.floor(opts.rate * elapsed())) : opts.count;
  return target - sent;
}

/** Sleep until the next message is due (≥ 1 ms: never spin on a shared CPU). */
function pause(sent: number): number {
  return opts.rate > 0 ? Math.max(1, Math.min(50, ((sent + 1) / opts.rate - elapsed()) * 1000)) : 1;
}

function sendUdp(): Promise<Omit<SendResult, 'rate' | 'cpu_s' | 'started_ms'>> {
  const bufs = lines.map((l) => Buffer.from(l));
  const sock = createSocket(opts.host.includes(':') ? 'udp6' : 'udp4');
  // Only every 64th send carries a callback (sends complete in order): bounds the queued
  // sends without paying a closure per datagram.
  const ACK_EVERY = 64;
  const MAX_INFLIGHT = 8192;
  let sent = 0;
  let acked = 0;
  let errors = 0;
  let lastError: string | undefined;
  sock.on('error', (e: NodeJS.ErrnoException) => {
    errors++;
    lastError = e.code ?? String(e);
  });
  return new Promise((resolve) => {
    const finish = () => {
      const wait = () => {
        if (acked >= sent - (sent % ACK_EVERY) || elapsed() > opts['max-seconds'] + 5) {
          setTimeout(() => {
            const seconds = elapsed();
            sock.close();
            resolve({ sent, errors, ...(lastError ? { lastError } : {}), seconds });
          }, 20);
        } else setTimeout(wait, 5);
      };
      wait();
    };
    sock.connect(opts.port, opts.host, () => {
      begin();
      const tick = () => {
        if (sent >= opts.count || elapsed() >= opts['max-seconds']) return finish();
        const n = Math.min(due(sent), 256, MAX_INFLIGHT - (sent - acked));
        for (let i = 0; i < n; i++) {
          const b = bufs[sent % POOL]!;
          sent++;
          if (sent % ACK_EVERY === 0) {
            const upto = sent;
            sock.send(b, (err) => {
              if (err) {
                errors++;
                lastError = (err as NodeJS.ErrnoException).code ?? String(err);
              }
              acked = upto;
            });
          } else sock.send(b);
        }
        if (n <= 0) setTimeout(tick, pause(sent));
        else setImmediate(tick);
      };
      tick();
    });
  });
}

function sendTcp(): Promise<Omit<SendResult, 'rate' | 'cpu_s' | 'started_ms'>> {
  const framed = lines.map((l) => frame(l, opts.framing === 'octet' ? 'octet' : 'lf'));
  let sent = 0;
  return new Promise((resolve) => {
    const sock = connect({ host: opts.host, port: opts.port });
    const done = (err?: Error) => {
      sock.destroy();
      resolve({ sent, errors: err ? 1 : 0, ...(err ? { lastError: (err as NodeJS.ErrnoException).code ?? String(err) } : {}), seconds: elapsed() });
    };
    sock.on('error', done);
    sock.on('connect', () => {
      begin();
      const tick = () => {
        if (sent >= opts.count || elapsed() >= opts['max-seconds']) {
          sock.end(() => resolve({ sent, errors: 0, seconds: elapsed() }));
          return;
        }
        const n = Math.min(due(sent), 1024);
        if (n <= 0) return void setTimeout(tick, pause(sent));
        let chunk = '';
        for (let i = 0; i < n; i++) chunk += framed[(sent + i) % POOL];
        sent += n;
        // Backpressure: wait for the receiver to drain, as a real sender's socket would.
        if (sock.write(chunk)) setImmediate(tick);
        else sock.once('drain', tick);
      };
      tick();
    });
  });
}

async function runChildren(): Promise<SendResult> {
  const self = fileURLToPath(import.meta.url);
  const per = Math.floor(opts.count / opts.procs);
  const results = await Promise.all(Array.from({ length: opts.procs }, (_, i) => new Promise<SendResult>((resolve, reject) => {
    const args = Object.entries({ ...opts, procs: 1, sender: i, rate: opts.rate / opts.procs, count: i === opts.procs - 1 ? opts.count - per * (opts.procs - 1) : per })
      .flatMap(([k, v]) => [`--${k}`, String(v)]);
    const child = fork(self, args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], execArgv: process.execArgv });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as SendResult) : reject(new Error(`sender ${i} exited ${code}`))));
  })));
  const sent = results.reduce((s, r) => s + r.sent, 0);
  const seconds = Math.max(...results.map((r) => r.seconds));
  return {
    started_ms: Math.min(...results.map((r) => r.started_ms)),
    sent, seconds, rate: Math.round(sent / seconds),
    errors: results.reduce((s, r) => s + r.errors, 0),
    cpu_s: results.reduce((s, r) => s + r.cpu_s, 0),
  };
}

const result: SendResult = opts.procs > 1
  ? await runChildren()
  : await (opts.proto === 'tcp' ? sendTcp() : sendUdp()).then((r) => ({ started_ms: startedMs, ...r, rate: Math.round(r.sent / r.seconds), cpu_s: +cpuSeconds().toFixed(3) }));
process.stdout.write(`${JSON.stringify(result)}\n`);
