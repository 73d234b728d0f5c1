// Writes config/regex-verdicts.json (npm run regex-verdicts): recheck's verdict for every
// pattern of the rule files a config loads (default config/eventgate.yaml), so that
// loading the shipped packs does not wait for recheck. Prints every unsafe pattern.
// Usage: tsx scripts/regex-verdicts.ts [config.yaml ...]
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { SEED_FILE, verdictKey } from '../src/app/regex-check.js';
import { compileRules } from '../src/classify/compile.js';
import type { RegexVerdict } from '../src/classify/regex-safety.js';
import { loadConfig } from '../src/config/load.js';

const require = createRequire(import.meta.url);
const recheck = require('recheck') as { check(s: string, f: string, p?: object): Promise<{ status: string; complexity?: { type: string; degree?: number }; attack?: { string: string }; error?: { kind: string } }> };
const version = (require('recheck/package.json') as { version: string }).version;

const configs = process.argv.slice(2).length ? process.argv.slice(2) : ['config/eventgate.yaml'];
const patterns = new Map<string, { source: string; flags: string; where: string }>();
for (const file of configs) {
  const loaded = loadConfig(file);
  if (!loaded.ok) {
    for (const i of loaded.issues) console.error(`${i.file}:${i.line}:${i.column} ${i.key}: ${i.message}`);
    process.exit(1);
  }
  for (const src of loaded.loaded.rules) {
    compileRules([src], {
      regexGate: (source, flags) => {
        patterns.set(verdictKey(version, source, flags), { source, flags, where: `${src.file} ${src.rule.id}` });
        return undefined;
      },
    });
  }
}

let seed: Record<string, RegexVerdict> = {};
try {
  seed = JSON.parse(readFileSync(SEED_FILE, 'utf8')) as Record<string, RegexVerdict>;
} catch {
  // first run
}
const out: Record<string, RegexVerdict> = {};
const todo = [...patterns].filter(([k]) => {
  if (seed[k]) out[k] = seed[k];
  return !seed[k];
});
console.log(`${patterns.size} patterns, ${todo.length} to check`);
let failed = 0;
async function worker(): Promise<void> {
  for (;;) {
    const next = todo.shift();
    if (!next) return;
    const [key, p] = next;
    const t = Date.now();
    const d = await recheck.check(p.source, p.flags, { timeout: 120_000 });
    let v: RegexVerdict;
    if (d.status === 'safe') v = { status: 'safe' };
    else if (d.status === 'vulnerable') {
      const c = d.complexity;
      v = { status: 'vulnerable', complexity: c?.type === 'polynomial' && c.degree ? `polynomial, degree ${c.degree}` : (c?.type ?? 'super-linear'), ...(d.attack ? { attack: d.attack.string } : {}) };
    } else v = { status: 'unknown', reason: d.error?.kind ?? 'no verdict' };
    if (v.status !== 'unknown') out[key] = v;
    if (v.status !== 'safe') {
      failed++;
      console.log(`UNSAFE ${v.status} ${'complexity' in v ? v.complexity : 'reason' in v ? v.reason : ''} ${p.where}: /${p.source}/${p.flags}`);
    } else console.log(`safe ${Date.now() - t}ms ${p.where}`);
  }
}
await Promise.all([worker(), worker()]);
const sorted = Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(SEED_FILE, JSON.stringify(sorted, null, 0).replace(/","?/g, (m) => m).replace(/},/g, '},\n') + '\n');
console.log(`wrote ${SEED_FILE}: ${Object.keys(sorted).length} verdicts, ${failed} unsafe`);
process.exit(failed ? 1 : 0);
