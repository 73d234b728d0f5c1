/**
 * `npm run bench:traps`: SNMP trap throughput on this machine. (1) Decode + classify in one
 * thread (engine, normalization, classifier; no sockets) for v2c and v3 authPriv
 * (SHA/AES). (2) Over loopback UDP to a gateway built in-process: traps sent at rising
 * rates for 2 s each, and how many were classified (the rest lost in the kernel buffer or
 * the ingest queue). Prints figures; asserts nothing.
 */
import { createSocket } from 'node:dgram';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildGateway } from '../src/app/gateway.js';
import { loadPlan } from '../src/cli/load-plan.js';
import { createClassifier } from '../src/classify/classifier.js';
import { createEngine } from '../src/listeners/snmp/engine.js';
import { normalizeTrap } from '../src/listeners/snmp/normalize.js';
import { loadMibs } from '../src/mib/load.js';
import { createLogger } from '../src/observe/logger.js';
import { engineOptions } from '../test/unit/listeners/snmp/engine-options.js';
import { fixture } from '../test/helpers/snmp-packets.js';

const packets = { v2c: fixture('v2c-trap'), 'v3 authPriv': fixture('v3-authpriv-sha-aes-trap') };
const mibs = loadMibs([]).index;
const classify = createClassifier([]);

function cpuBench(name: string, bytes: Buffer, seconds = 2): void {
  const engine = createEngine(engineOptions());
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    for (let i = 0; i < 100; i++) {
      const o = engine.process(bytes, { address: '127.0.0.1', port: 1 }, 0);
      if (o.kind !== 'accepted') throw new Error(`${name}: ${o.kind}`);
      const t = normalizeTrap(o.pdu, { version: o.version, security: o.security, mibs, hostFrom: ['trap_address', 'source'], peerAddress: '127.0.0.1' });
      classify({ id: 'x', receivedAt: 0, kind: 'trap', listener: 'b', peer: { address: '127.0.0.1', port: 1, transport: 'udp' }, host: t.host, message: t.message, trap: t.trap, raw: bytes });
    }
    n += 100;
  }
  const s = (performance.now() - start) / 1000;
  console.log(`decode+classify ${name.padEnd(12)} ${Math.round(n / s).toString().padStart(7)} traps/s (${n} in ${s.toFixed(1)} s, one core)`);
}

async function udpBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'eventgate-bench-'));
  writeFileSync(join(dir, 'eventgate.yaml'), `
listeners:
  snmp:
    - { id: b, address: 127.0.0.1, port: 0, communities: [public], users: [{ name: noc, auth: { protocol: sha, key: { env: A } }, priv: { protocol: aes, key: { env: P } } }] }
queue: { capacity: 100000 }
log: { level: error }
`);
  const plan = loadPlan(join(dir, 'eventgate.yaml'), { A: 'authpass123', P: 'privpass123' });
  if (!plan.ok) throw new Error(JSON.stringify(plan.issues));
  const gw = buildGateway(plan.plan, { log: createLogger({ level: 'error' }), stdout: new Writable({ write: (_c, _e, cb) => cb() }) });
  await gw.start();
  const port = gw.addresses().b![0]!.port;
  const sock = createSocket('udp4');
  const classified = async () => (await gw.metrics.classified.get()).values.reduce((a, v) => a + v.value, 0);
  for (const [name, bytes] of Object.entries(packets)) {
    for (const rate of [1000, 2000, 5000, 10_000, 20_000]) {
      const before = await classified();
      const total = rate * 2;
      const start = performance.now();
      for (let sent = 0; sent < total;) {
        const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
        for (; sent < due; sent++) sock.send(bytes, port, '127.0.0.1');
        await new Promise((r) => setTimeout(r, 1));
      }
      // Wait until the backlog is drained, so no rate is credited with another's traps.
      let last = -1;
      for (let now = await classified(); now !== last; now = await classified()) {
        last = now;
        await new Promise((r) => setTimeout(r, 300));
      }
      const got = last - before;
      const loss = ((total - got) / total) * 100;
      console.log(`udp ${name.padEnd(12)} offered ${String(rate).padStart(6)}/s  classified ${String(got).padStart(6)}/${total}  loss ${loss.toFixed(2)} %`);
    }
  }
  sock.close();
  await gw.stop();
  rmSync(dir, { recursive: true, force: true });
}

for (const [name, bytes] of Object.entries(packets)) cpuBench(name, bytes);
await udpBench();
