import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compilePlan } from '../../../src/app/compile.js';
import { loadConfig } from '../../../src/config/load.js';
import { formatIssue } from '../../../src/config/source-map.js';
import { tempDir } from '../../helpers/temp.js';

function issues(t: { after(fn: () => void): void }, yaml: string): string[] {
  const dir = tempDir(t);
  const file = join(dir, 'eventgate.yaml');
  writeFileSync(file, yaml);
  const loaded = loadConfig(file, {});
  if (!loaded.ok) return loaded.issues.map(formatIssue);
  const plan = compilePlan(loaded.loaded);
  return plan.ok ? [] : plan.issues.map(formatIssue);
}

describe('syslog listener config', () => {
  it('accepts tcp and tls listeners with their defaults', (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'eventgate.yaml');
    writeFileSync(file, 'listeners:\n  syslog:\n    - { protocol: tcp, port: 5514, allow: [10.0.0.0/8], rate_limit: { rate: 50 } }\n');
    const loaded = loadConfig(file, {});
    assert.ok(loaded.ok);
    const l = loaded.loaded.config.listeners.syslog[0]!;
    assert.equal(l.protocol, 'tcp');
    if (l.protocol !== 'tcp') return;
    assert.equal(l.max_frame, 65536);
    assert.equal(l.idle_timeout, 600_000);
    assert.deepEqual(l.rate_limit, { rate: 50, burst: 50 });
    assert.equal(l.charset, 'utf-8');
  });
  it('reports a bad CIDR, an unknown charset and unreadable TLS files with their positions', (t) => {
    const found = issues(t, [
      'listeners:',
      '  syslog:',
      '    - { protocol: tcp, port: 5514, allow: [10.0.0.0/33], charset: klingon }',
      '    - { protocol: tls, port: 6514, cert: missing.pem, key: missing.key }',
    ].join('\n') + '\n');
    assert.equal(found.length, 4, found.join('\n'));
    assert.match(found[0]!, /eventgate\.yaml:3:\d+ listeners\.syslog\[0\]\.allow\[0\]: invalid CIDR "10\.0\.0\.0\/33"/);
    assert.match(found[1]!, /:3:\d+ listeners\.syslog\[0\]\.charset: unknown charset "klingon"/);
    assert.match(found[2]!, /:4:\d+ listeners\.syslog\[1\]\.cert: cannot read .*missing\.pem: ENOENT/);
    assert.match(found[3]!, /:4:\d+ listeners\.syslog\[1\]\.key: cannot read/);
  });
  it('reports a certificate file that is not PEM', (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'bad.pem'), 'not a certificate');
    const file = join(dir, 'eventgate.yaml');
    writeFileSync(file, 'listeners:\n  syslog:\n    - { protocol: tls, cert: bad.pem, key: bad.pem }\n');
    const loaded = loadConfig(file, {});
    assert.ok(loaded.ok);
    const plan = compilePlan(loaded.loaded);
    assert.equal(plan.ok, false);
    if (!plan.ok) assert.match(formatIssue(plan.issues[0]!), /:3:\d+ listeners\.syslog\[0\]\.cert: TLS certificate, key or CA not usable/);
  });
  it('refuses tcp and tls listeners on the same port', (t) => {
    const found = issues(t, 'listeners:\n  syslog:\n    - { protocol: tcp, port: 5514 }\n    - { protocol: tls, port: 5514, cert: a, key: b }\n');
    assert.ok(found.some((i) => /port 5514\/tls is already used/.test(i)), found.join('\n'));
  });
});
