#!/usr/bin/env node
// Temporary host for builds without the HTTP /metrics endpoint (config `http.listen`):
// runs the built gateway (dist/) in this process exactly as `eventgate run` wires it
// (loadPlan → buildGateway → start) and serves its own metrics registry at
// http://127.0.0.1:<port>/metrics, so bench/run.ts reads counters the same way in both
// modes. Prints the same "listening" log record as `eventgate run`, plus `http`.
// Plain JS on purpose: it imports the compiled dist/ modules, which ship no .d.ts files.
import { createServer } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const load = (p) => import(pathToFileURL(join(root, 'dist', p)).href);
const config = process.argv[process.argv.indexOf('--config') + 1];
if (!config || !process.argv.includes('--config')) {
  process.stderr.write('usage: gateway-host.mjs --config FILE\n');
  process.exit(2);
}

const { loadPlan, printIssues } = await load('cli/load-plan.js');
const { createLogger } = await load('observe/logger.js');
const { buildGateway } = await load('app/gateway.js');

const first = loadPlan(config);
if (!first.ok) {
  printIssues(first.issues, (s) => process.stderr.write(s));
  process.exit(1);
}
const log = createLogger({ level: first.plan.loaded.config.log.level });
const gateway = buildGateway(first.plan, { log });
await gateway.start();
const server = createServer((req, res) => {
  if (req.url !== '/metrics') {
    res.writeHead(404).end();
    return;
  }
  gateway.metrics.registry.metrics().then(
    (text) => res.writeHead(200, { 'content-type': gateway.metrics.registry.contentType }).end(text),
    (err) => res.writeHead(500).end(String(err)),
  );
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const a = server.address();
log.info({ config, addresses: gateway.addresses(), http: `127.0.0.1:${a.port}`, host: 'bench/gateway-host.mjs' }, 'listening');

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.close();
  gateway.stop(4000).then(() => process.exit(0), () => process.exit(1));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
