// The in-process benchmarks' shared inputs: the shipped classifier and a mixed corpus of
// vendor fixture lines and lines no rule matches (the common case on a busy gateway).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClassifier, type Classifier } from '../../src/classify/classifier.js';
import { compileRules, type CompiledRule } from '../../src/classify/compile.js';
import { loadConfig } from '../../src/config/load.js';

// Two levels up from bench/lib, whether run from source (tsx) or compiled into .bench-build/.
const here = join(import.meta.dirname, '..', '..');
export const ROOT = here.endsWith('.bench-build') ? join(here, '..') : here;
export const BENCH_PEER = { address: '192.0.2.1', port: 514, transport: 'udp' } as const;

/** The classifier of the shipped default config, every rule pack loaded, and its rules. */
export function shippedClassifier(): { classify: Classifier; rules: CompiledRule[] } {
  const loaded = loadConfig(join(ROOT, 'config/eventgate.yaml'));
  if (!loaded.ok) throw new Error('config does not load');
  const { rules } = compileRules(loaded.loaded.rules);
  return { classify: createClassifier(rules), rules };
}

/** Vendor lines from the classification fixtures. */
export function vendorLines(): string[] {
  return readFileSync(join(ROOT, 'test/fixtures/classify/vendor-corpus.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { line: string }).line);
}

/** Ordinary lines that no shipped rule matches. */
export const UNMATCHED_LINES = [
  '<30>Nov 22 10:00:01 web01 nginx[812]: 10.0.0.7 - - [22/Nov/2026:10:00:01 +0000] "GET /index.html HTTP/1.1" 200 512 "-" "curl/8.0"',
  '<86>Nov 22 10:00:02 host1 sshd[4242]: Accepted publickey for bob from 10.0.0.8 port 51234 ssh2',
  '<78>Nov 22 10:00:03 host1 CRON[99]: (root) CMD (run-parts /etc/cron.hourly)',
  '<190>Nov 22 10:00:04 sw-core-1 77: %SEC-6-IPACCESSLOGP: list 101 denied tcp 10.0.0.9(1234) -> 10.0.0.10(22), 1 packet',
  '<14>1 2026-11-22T10:00:05Z app01 billing 17 - - invoice 4711 created for customer 42',
];
