/**
 * Private peer daemons for side-by-side runs: rsyslogd (imudp + imtcp, one filter, two
 * omfile outputs) and snmptrapd (-Lf log file, optionally a traphandle per trap). Each is a
 * foreground process with its own config, pid file and output in a fresh directory, bound to
 * 127.0.0.1, stopped by the PID it was started with. Counting reads only the output files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, closeSync, openSync, readSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { udpDrops } from './proc.js';
import { VIRUS_MARKER } from './syslog-lines.js';
import { V3 } from './gateway.js';

export const RSYSLOGD = '/usr/sbin/rsyslogd';
export const SNMPTRAPD = '/usr/sbin/snmptrapd';

export interface Peer {
  readonly pid: number;
  readonly ports: Readonly<Record<string, number>>;
  /** Lines written so far (matching the count rule of this peer). */
  count(): number;
  /** Kernel receive-buffer drops of the peer's UDP socket. */
  drops(): number | undefined;
  stop(): Promise<void>;
}

/** A free loopback port for the given protocol (bind 0, read, close). */
export async function freePort(proto: 'tcp' | 'udp'): Promise<number> {
  if (proto === 'tcp') {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const p = (s.address() as { port: number }).port;
    await new Promise((r) => s.close(r));
    return p;
  }
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(r));
  return p;
}

/** Counts lines in growing files by reading only what was appended since the last call. */
export class LineCounter {
  private readonly offsets = new Map<string, number>();
  private lines = 0;
  private readonly buf = Buffer.alloc(1 << 20);
  constructor(private readonly files: readonly string[], private readonly prefix?: string) {}
  count(): number {
    for (const f of this.files) {
      if (!existsSync(f)) continue;
      let off = this.offsets.get(f) ?? 0;
      const size = statSync(f).size;
      if (size <= off) continue;
      const fd = openSync(f, 'r');
      try {
        let carry = '';
        while (off < size) {
          const n = readSync(fd, this.buf, 0, Math.min(this.buf.length, size - off), off);
          if (n <= 0) break;
          if (this.prefix === undefined) {
            for (let i = 0; i < n; i++) if (this.buf[i] === 0x0a) this.lines++;
            off += n;
          } else {
            // Only whole lines: keep a partial last line for the next call.
            const text = carry + this.buf.toString('latin1', 0, n);
            const end = text.lastIndexOf('\n');
            for (const l of text.slice(0, end + 1).split('\n')) if (l.startsWith(this.prefix)) this.lines++;
            carry = text.slice(end + 1);
            off += n;
          }
        }
        off -= Buffer.byteLength(carry, 'latin1');
      } finally {
        closeSync(fd);
      }
      this.offsets.set(f, off);
    }
    return this.lines;
  }
}

function startDaemon(cmd: string, args: string[], dir: string, env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; exited: Promise<void> } {
  const out = openSync(join(dir, 'daemon.out'), 'w');
  const child = spawn(cmd, args, { stdio: ['ignore', out, out], env });
  closeSync(out);
  return { child, exited: new Promise((r) => child.on('exit', () => r())) };
}

async function stopDaemon(d: { child: ChildProcess; exited: Promise<void> }): Promise<void> {
  if (d.child.exitCode !== null || d.child.signalCode !== null) return;
  d.child.kill('SIGTERM');
  const t = setTimeout(() => d.child.kill('SIGKILL'), 10_000);
  await d.exited;
  clearTimeout(t);
}

async function waitListening(check: () => boolean, what: string, dir: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start; see ${join(dir, 'daemon.out')}`);
}

function boundUdp(port: number): boolean {
  return udpDrops(port) !== undefined;
}

/** rsyslogd with imudp and imtcp; lines containing the virus marker to a.log, the rest to b.log. */
export async function startRsyslog(dir: string): Promise<Peer> {
  mkdirSync(join(dir, 'work'), { recursive: true });
  const udp = await freePort('udp');
  const tcp = await freePort('tcp');
  writeFileSync(join(dir, 'rsyslog.conf'), `# private benchmark instance (bench/run.ts --peers)
global(workDirectory="${dir}/work" maxMessageSize="8k")
module(load="imudp" threads="1")
module(load="imtcp" maxSessions="16")
input(type="imudp" address="127.0.0.1" port="${udp}" ruleset="classify" rcvbufSize="4194304")
input(type="imtcp" address="127.0.0.1" port="${tcp}" ruleset="classify")
template(name="line" type="string" string="%timegenerated:::date-rfc3339% %fromhost-ip% %syslogtag%%msg%\\n")
ruleset(name="classify") {
  if $msg contains "${VIRUS_MARKER}" then {
    action(type="omfile" file="${dir}/a.log" template="line")
  } else {
    action(type="omfile" file="${dir}/b.log" template="line")
  }
}
`);
  const d = startDaemon(RSYSLOGD, ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rsyslogd.pid')], dir);
  await waitListening(() => boundUdp(udp), 'rsyslogd', dir);
  const counter = new LineCounter([join(dir, 'a.log'), join(dir, 'b.log')]);
  return { pid: d.child.pid!, ports: { udp, tcp }, count: () => counter.count(), drops: () => udpDrops(udp), stop: () => stopDaemon(d) };
}

/** snmptrapd logging every trap as one `TRAP` line; with `handler`, also one /bin/sh run per trap. */
export async function startSnmptrapd(dir: string, handler?: { script: string; out: string }): Promise<Peer> {
  mkdirSync(join(dir, 'persist'), { recursive: true });
  const port = await freePort('udp');
  writeFileSync(join(dir, 'snmptrapd.conf'), `# private benchmark instance (bench/run.ts --peers)
disableAuthorization yes
createUser -e 0x${V3.engineId} ${V3.user} SHA ${V3.auth} AES ${V3.priv}
format1 TRAP %b %v\\n
format2 TRAP %b %v\\n
[snmp] serverRecvBuf 4194304
${handler ? `traphandle default /bin/sh ${handler.script} ${handler.out}` : ''}
`);
  const d = startDaemon(SNMPTRAPD, ['-f', '-C', '-c', join(dir, 'snmptrapd.conf'), '-Lf', join(dir, 'traps.log'), '-n', '-On',
    '-p', join(dir, 'snmptrapd.pid'), `udp:127.0.0.1:${port}`], dir, { ...process.env, SNMP_PERSISTENT_DIR: join(dir, 'persist'), MIBS: '' });
  await waitListening(() => boundUdp(port), 'snmptrapd', dir);
  const counter = handler ? new LineCounter([handler.out]) : new LineCounter([join(dir, 'traps.log')], 'TRAP');
  return { pid: d.child.pid!, ports: { udp: port }, count: () => counter.count(), drops: () => udpDrops(port), stop: () => stopDaemon(d) };
}
