// Per-trap CPU cost of the SNMP receive path, in process (npm run bench:trap-hotpath): the
// engine's admission + decode alone, normalization alone, and the listener's per-datagram
// handler (metrics, ids, event) with and without the shipped classifier, over the v2c traps
// the load generator sends (bench/lib/traps.ts) and the shipped config's listener (community
// `public`, built-in MIBs). A v3 authPriv row keeps an eye on the other target. Figures are
// CPU microseconds per trap (process.cpuUsage), best of 3, so a shared machine skews them little.
// Each row runs in its own process; profile one: node --cpu-prof .bench-build/bench/trap-hotpath.js 'onDatagram (v2c)'
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { snmpEngineOptions } from '../src/app/snmp.js';
import { loadConfig } from '../src/config/load.js';
import type { GatewayEvent } from '../src/core/event.js';
import { createUlidFactory } from '../src/core/ids.js';
import type { ListenerContext } from '../src/listeners/listener.js';
import { createEngine, type Outcome } from '../src/listeners/snmp/engine.js';
import { normalizeTrap } from '../src/listeners/snmp/normalize.js';
import { createTrapReceiver, type Reply } from '../src/listeners/snmp/receive.js';
import { loadMibs } from '../src/mib/load.js';
import { createLogger } from '../src/observe/logger.js';
import { createMetrics } from '../src/observe/metrics.js';
import { engineOptions } from '../test/unit/listeners/snmp/engine-options.js';
import { ROOT, shippedClassifier } from './lib/corpus.js';
import { cpuPerItem } from './lib/cpu.js';
import { v2cTrapPacket } from './lib/traps.js';

const loaded = loadConfig(join(ROOT, 'config/eventgate.yaml'));
if (!loaded.ok) throw new Error('config does not load');
const listenerConfig = loaded.loaded.config.listeners.snmp[0]!;
const clock = { now: () => Date.now(), monotonic: () => performance.now() };
const mibs = loadMibs([], { builtin: join(ROOT, 'mibs') }).index;
const { classify, rules } = shippedClassifier();

const POOL = 1000;
const packets = Array.from({ length: POOL }, (_, n) => v2cTrapPacket(n, 'public'));
const v3Packet = Buffer.from(readFileSync(join(ROOT, 'test/fixtures/snmp/v3-authpriv-sha-aes-trap.hex'), 'utf8').trim(), 'hex');
const peer = { address: '192.0.2.1', port: 40000 };

const noop = () => {};
function context(emit: (e: GatewayEvent) => void): ListenerContext {
  return {
    log: undefined as never,
    warn: noop as never,
    clock: clock as never,
    metrics: createMetrics(),
    newId: createUlidFactory(() => Date.now()),
    emit: (e) => (emit(e), true),
    hasRoom: () => true,
    onDrain: noop,
  };
}
const log = createLogger({ level: 'warn' });
const reply: Reply = noop;
const v2cOptions = snmpEngineOptions(listenerConfig, clock);
const receiver = createTrapReceiver(context(noop), { listener: 'snmp', hostFrom: listenerConfig.host_from, engine: v2cOptions, mibs, log });
const classifying = createTrapReceiver(context((e) => classify(e)), { listener: 'snmp', hostFrom: listenerConfig.host_from, engine: v2cOptions, mibs, log });
const v3Receiver = createTrapReceiver(context(noop), { listener: 'snmp', hostFrom: listenerConfig.host_from, engine: engineOptions(), mibs, log });

const engine = createEngine(v2cOptions);
// Built only for the normalize row: holding decoded PDUs changes V8's allocation-site
// pretenuring for the decoder, so the other rows never see them (each row runs alone).
let decoded: Extract<Outcome, { kind: 'accepted' }>[] | undefined;
function accepted(): Extract<Outcome, { kind: 'accepted' }>[] {
  return (decoded ??= packets.map((b) => {
    const o = engine.process(b, peer, 0);
    if (o.kind !== 'accepted') throw new Error(`bench trap not accepted: ${o.kind}`);
    return o;
  }));
}
let events = 0;
const counted = createTrapReceiver(context(() => events++), { listener: 'snmp', hostFrom: listenerConfig.host_from, engine: v2cOptions, mibs, log });
for (const b of packets) counted.onDatagram(b, peer, reply);
if (events !== POOL) throw new Error(`only ${events} of ${POOL} bench traps became events`);

const cases: [string, () => number][] = [
  ['engine.process (v2c)', () => { for (const b of packets) engine.process(b, peer, 0); return POOL; }],
  ['normalizeTrap (v2c)', () => {
    for (const o of accepted()) normalizeTrap(o.pdu, { version: o.version, security: o.security, mibs, hostFrom: listenerConfig.host_from, peerAddress: peer.address });
    return POOL;
  }],
  ['onDatagram (v2c)', () => { for (const b of packets) receiver.onDatagram(b, peer, reply); return POOL; }],
  ['onDatagram + classify', () => { for (const b of packets) classifying.onDatagram(b, peer, reply); return POOL; }],
  ['onDatagram (v3 authPriv)', () => { for (let i = 0; i < 100; i++) v3Receiver.onDatagram(v3Packet, peer, reply); return 100; }],
];
// Each row runs in its own process (`trap-hotpath.js <label>`), so what one row allocates
// and keeps cannot change how V8 treats the next one.
const only = process.argv[2];
if (only === undefined) {
  console.log(`traps: ${POOL} v2c (1 in 10 linkDown), MIB objects: ${mibs.size}, rules: ${rules.length}`);
  for (const [label] of cases) {
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), label], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`row ${label} failed`);
    process.stdout.write(r.stdout);
  }
} else {
  for (const [label, f] of cases.filter(([l]) => l.includes(only))) {
    cpuPerItem(f, 0.5);
    const runs = [0, 1, 2].map(() => cpuPerItem(f));
    console.log(`${label.padEnd(26)} ${runs.map((r) => r.toFixed(2)).join(' / ')} CPU µs per trap (best ${Math.min(...runs).toFixed(2)})`);
  }
}
