/**
 * Child process of bench/syslog.ts: runs a gateway (real listeners, parser, classifier with
 * the shipped rule packs, no routes) and reports over IPC how many events it classified and
 * its counters, so the load generator in the parent does not share its event loop.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { compilePlan } from '../src/app/compile.js';
import { buildGateway } from '../src/app/gateway.js';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/observe/logger.js';

const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'eventgate-bench-'));
const file = join(dir, 'eventgate.yaml');
writeFileSync(file, `
listeners:
  syslog:
    - { id: udp, protocol: udp, port: 0, address: 127.0.0.1, receive_buffer_size: 4MiB }
    - { id: tcp, protocol: tcp, port: 0, address: 127.0.0.1 }
rules: ["${root}/config/rules/*.yaml"]
`);
const loaded = loadConfig(file, {});
if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
const compiled = compilePlan(loaded.loaded);
if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
let classified = 0;
const gateway = buildGateway(compiled.plan, {
  log: createLogger({ level: 'error' }),
  stdout: new Writable({ write: (_c, _e, cb) => cb() }),
  observe: () => void classified++,
});
await gateway.start();
const counter = async (name: string) => (await gateway.metrics.registry.getSingleMetric(name)!.get()).values.reduce((s, v) => s + v.value, 0);
process.send!({ type: 'ready', udp: gateway.addresses().udp![0]!.port, tcp: gateway.addresses().tcp![0]!.port, rules: compiled.plan.rules.length });
process.on('message', async (m: { type: string }) => {
  if (m.type === 'stats') {
    process.send!({
      type: 'stats',
      classified,
      received: await counter('eventgate_received_messages_total'),
      dropped: await counter('eventgate_dropped_messages_total'),
      rssMiB: process.memoryUsage().rss / 1024 / 1024,
    });
  } else if (m.type === 'stop') {
    await gateway.stop(1000);
    process.exit(0);
  }
});
