/**
 * SNMP trap load generator over UDP. `--version 2c` replays pre-encoded packets from the
 * built-in BER encoder (near-zero sender cost); `--version 3` sends authPriv traps
 * (SHA/AES-128) through the net-snmp package, which encrypts and signs each one, as a real
 * v3 agent does. Bounded by `--count` and `--max-seconds`; prints one JSON object.
 *
 *   node --import tsx bench/trap-load.ts --port 10162 --rate 5000 --count 25000
 *   node --import tsx bench/trap-load.ts --version 3 --engine-id 80001f8880aabbccdd --port 10162 --rate 500
 */
import { createSocket } from 'node:dgram';
import { createRequire } from 'node:module';
import { parseOptions } from './lib/args.js';
import { trapSpec, v2cTrapPacket } from './lib/traps.js';

const HELP = `usage: trap-load.ts [options]
  --version 2c|3        (2c)
  --community C         v2c community (public)
  --user U --auth-key K --priv-key K --engine-id HEX   v3 authPriv SHA/AES (bench, benchauth1, benchpriv1, 80001f8880b0e0c7a1)
  --host H --port P     destination (127.0.0.1:10162); loopback only
  --rate R              traps/s, 0 = flat out (1000)
  --count N             traps in total (10000)
  --max-seconds S       hard stop (30)
  --unique-links        every linkDown on its own port (so every trap is notified: hook runs)
`;

const opts = parseOptions(process.argv.slice(2), {
  version: '2c', community: 'public', user: 'bench', 'auth-key': 'benchauth1', 'priv-key': 'benchpriv1',
  'engine-id': '80001f8880b0e0c7a1', host: '127.0.0.1', port: 10162, rate: 1000, count: 10000, 'max-seconds': 30, 'unique-links': false,
}, HELP);
if (!['127.0.0.1', '::1', 'localhost'].includes(opts.host)) throw new Error('loopback destinations only');

let started = process.hrtime.bigint();
let startedMs = Date.now();
const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
let errors = 0;
let lastError: string | undefined;
const fail = (e: unknown) => {
  errors++;
  lastError = (e as NodeJS.ErrnoException)?.code ?? String(e);
};

/** Calls `send(n)` on schedule; never spins (sleeps ≥ 1 ms when ahead). */
function pace(send: (n: number) => void, batch: number): Promise<number> {
  let sent = 0;
  // The step's clock starts with the first trap, after packets are built and keys localized.
  started = process.hrtime.bigint();
  startedMs = Date.now();
  return new Promise((resolve) => {
    const tick = () => {
      const secs = elapsed();
      if (sent >= opts.count || secs >= opts['max-seconds']) return resolve(sent);
      const target = opts.rate > 0 ? Math.min(opts.count, Math.floor(opts.rate * secs)) : opts.count;
      const n = Math.min(target - sent, batch);
      for (let i = 0; i < n; i++) send(sent++);
      if (n <= 0) setTimeout(tick, opts.rate > 0 ? Math.max(1, Math.min(50, ((sent + 1) / opts.rate - secs) * 1000)) : 1);
      else setImmediate(tick);
    };
    tick();
  });
}

async function v2c(): Promise<number> {
  const POOL = 4096;
  const pool = Array.from({ length: POOL }, (_, n) => v2cTrapPacket(n, opts.community, opts['unique-links']));
  const sock = createSocket(opts.host.includes(':') ? 'udp6' : 'udp4');
  sock.on('error', fail);
  await new Promise<void>((r) => sock.connect(opts.port, opts.host, r));
  const sent = await pace((n) => sock.send(pool[n % POOL]!), 128);
  await new Promise((r) => setTimeout(r, 50));
  sock.close();
  return sent;
}

/** The part of net-snmp's API used here (the package ships no types). */
interface NetSnmp {
  createV3Session(target: string, user: object, options: object): { trap(oid: string, varbinds: object[], cb: (err?: Error) => void): void; on(ev: string, fn: (e: Error) => void): void; close(): void };
  Version3: number;
  SecurityLevel: { authPriv: number };
  AuthProtocols: { sha: number };
  PrivProtocols: { aes: number };
  ObjectType: { Integer: number; OctetString: number };
}

async function v3(): Promise<number> {
  const snmp = createRequire(import.meta.url)('net-snmp') as NetSnmp;
  const user = {
    name: opts.user, level: snmp.SecurityLevel.authPriv,
    authProtocol: snmp.AuthProtocols.sha, authKey: opts['auth-key'], privProtocol: snmp.PrivProtocols.aes, privKey: opts['priv-key'],
  };
  const session = snmp.createV3Session(opts.host, user, {
    trapPort: opts.port, version: snmp.Version3, engineID: opts['engine-id'], transport: opts.host.includes(':') ? 'udp6' : 'udp4',
  });
  session.on('error', fail);
  const sent = await pace((n) => {
    const s = trapSpec(n, opts['unique-links']);
    const varbinds = s.varbinds.map((v) => ({ oid: v.oid, type: v.kind === 'integer' ? snmp.ObjectType.Integer : snmp.ObjectType.OctetString, value: v.value }));
    session.trap(s.trapOid, varbinds, (err) => err && fail(err));
  }, 32);
  await new Promise((r) => setTimeout(r, 200));
  session.close();
  return sent;
}

const sent = opts.version === '3' ? await v3() : await v2c();
const seconds = elapsed();
const cpu = process.cpuUsage();
process.stdout.write(`${JSON.stringify({ started_ms: startedMs, sent, errors, ...(lastError ? { lastError } : {}), seconds: +seconds.toFixed(3), rate: Math.round(sent / seconds), cpu_s: +((cpu.user + cpu.system) / 1e6).toFixed(3) })}\n`);
