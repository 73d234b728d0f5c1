/**
 * A private Debian snmptrapd for e2e tests: its own config, persistent dir and log file in
 * a temp dir, EVENTGATE-MIB loaded (base MIBs from the net-snmp npm package), listening on
 * a free loopback UDP port. v2c community `public`; v3 user `secuser` (SHA-256/AES) both
 * under snmptrapd's own engine ID (informs) and under TRAP_ENGINE_ID (traps).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './gateway-process.js';
import { waitFor } from './wait.js';

export const MIB_DIRS = `${join(ROOT, 'node_modules/net-snmp/lib/mibs')}:${join(ROOT, 'mibs')}`;
export const V3_USER = { name: 'secuser', auth: 'eventgate-auth-key', priv: 'eventgate-priv-key' };
/** The engine ID eventgate sends v3 traps with; snmptrapd knows secuser under it. */
export const TRAP_ENGINE_ID = '0x8000000001020304';
/** snmptrapd's own engine ID (v3 informs discover it). */
export const RECEIVER_ENGINE_ID = '0x800000000a0b0c0d';

/** A UDP port that was free a moment ago. */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface Snmptrapd {
  readonly port: number;
  /** The log so far. */
  log(): string;
  /** Log entries (one per received notification) so far; varbinds are tab-separated after the header line. */
  entries(): string[];
  stop(): Promise<void>;
}

/**
 * Starts snmptrapd on `port` with its files in `dir`; resolves once it logged its start.
 * `extraArgs` go before the listening address (e.g. `-On` for numeric OIDs).
 */
export async function startSnmptrapd(dir: string, port: number, extraArgs: readonly string[] = []): Promise<Snmptrapd> {
  const conf = join(dir, 'snmptrapd.conf');
  const logFile = join(dir, 'snmptrapd.log');
  writeFileSync(conf, [
    `engineID ${RECEIVER_ENGINE_ID}`,
    'authCommunity log,execute,net public',
    `createUser ${V3_USER.name} SHA-256 ${V3_USER.auth} AES ${V3_USER.priv}`,
    `createUser -e ${TRAP_ENGINE_ID} ${V3_USER.name} SHA-256 ${V3_USER.auth} AES ${V3_USER.priv}`,
    `authUser log,execute,net ${V3_USER.name} priv`,
    '',
  ].join('\n'));
  const startLen = existsSync(logFile) ? readFileSync(logFile, 'utf8').length : 0;
  const child: ChildProcess = spawn('snmptrapd', [
    '-f', '-Lf', logFile, '-C', '-c', conf, `--persistentDir=${join(dir, 'persist')}`,
    '-M', MIB_DIRS, '-m', 'EVENTGATE-MIB:SNMPv2-MIB', ...extraArgs, `udp:127.0.0.1:${port}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  let exited = false;
  const exit = new Promise<void>((r) => child.on('exit', () => { exited = true; r(); }));
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  await waitFor(() => {
    if (exited) throw new Error(`snmptrapd exited: ${stderr}`);
    return log().slice(startLen).includes('NET-SNMP version');
  }, 'snmptrapd to start', 10_000);
  return {
    port,
    log,
    // Each notification starts with a "<date> <time> <host> [UDP: ...]:" header line.
    entries: () => log().split(/\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+ \[)/)
      .filter((e) => e.includes('snmpTrapOID') || e.includes('.1.3.6.1.6.3.1.1.4.1.0 = ')),
    async stop() {
      if (!exited) child.kill('SIGTERM');
      await exit;
    },
  };
}
