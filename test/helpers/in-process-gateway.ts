/**
 * Runs a gateway inside the test process (ports 0, a temp dir): for end-to-end tests that
 * need the gateway's metrics or every classified event, which a child process cannot show.
 * Log records are collected as parsed JSON.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { compilePlan, type GatewayPlan } from '../../src/app/compile.js';
import { buildGateway, type Gateway } from '../../src/app/gateway.js';
import { loadConfig } from '../../src/config/load.js';
import { formatIssue } from '../../src/config/source-map.js';
import type { Classified } from '../../src/core/classification.js';
import { createLogger } from '../../src/observe/logger.js';

export interface InProcessGateway {
  readonly gateway: Gateway;
  /** Every classified event, in the order the pipeline processed them. */
  readonly classified: Classified[];
  readonly records: Record<string, unknown>[];
  port(listenerId: string): number;
  /** Loads the config file again and reloads (as SIGHUP does). */
  reload(): Promise<void>;
  /** Sum of a counter over the label values that match `labels`. */
  counter(name: string, labels?: Record<string, string>): Promise<number>;
  stop(): Promise<void>;
}

export function compileFile(path: string): GatewayPlan {
  const loaded = loadConfig(path, {});
  if (!loaded.ok) throw new Error(loaded.issues.map(formatIssue).join('\n'));
  const compiled = compilePlan(loaded.loaded);
  if (!compiled.ok) throw new Error(compiled.issues.map(formatIssue).join('\n'));
  return compiled.plan;
}

export async function startInProcessGateway(dir: string, yaml: string, level: 'warn' | 'debug' | 'info' = 'warn'): Promise<InProcessGateway> {
  const path = join(dir, 'eventgate.yaml');
  writeFileSync(path, yaml);
  const records: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) records.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  const log = createLogger({ level, destination });
  const classified: Classified[] = [];
  const gateway = buildGateway(compileFile(path), { log, stdout: new Writable({ write: (_c, _e, cb) => cb() }), observe: (c) => classified.push(c) });
  await gateway.start();
  return {
    gateway,
    classified,
    records,
    port(id) {
      const a = gateway.addresses()[id]?.[0];
      if (!a) throw new Error(`no listener ${id}`);
      return a.port;
    },
    reload: () => gateway.reload(compileFile(path)),
    async counter(name, labels = {}) {
      const metric = await gateway.metrics.registry.getSingleMetric(name)?.get();
      if (!metric) throw new Error(`no metric ${name}`);
      return metric.values
        .filter((v) => Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want))
        .reduce((sum, v) => sum + v.value, 0);
    },
    stop: () => gateway.stop(2000),
  };
}
