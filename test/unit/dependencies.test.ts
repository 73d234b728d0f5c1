/**
 * TEST-PLAN S9, the part that needs no network (`npm audit` needs the registry's advisory
 * endpoint, which this build host does not reach): the lockfile pins nodemailer at the
 * version the plan's section 2.4 names or later, js-yaml is absent or 4.1.1 or later, and
 * better-sqlite3 stays on 12.x (13.x needs Node 22 and crashes on 20).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT } from '../helpers/gateway-process.js';

interface LockEntry { version?: string; dev?: boolean }
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
const shipped = Object.entries(lock.packages).filter(([path, p]) => path.startsWith('node_modules/') && !p.dev);
const versionsOf = (name: string) => shipped.filter(([path]) => path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`)).map(([, p]) => p.version ?? '0.0.0');

function atLeast(version: string, min: string): boolean {
  const a = version.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

it('ships nodemailer 10.6.0 or later, every copy', () => {
  const versions = versionsOf('nodemailer');
  assert.ok(versions.length > 0);
  for (const v of versions) assert.ok(atLeast(v, '10.6.0'), `nodemailer ${v}`);
});

it('ships no js-yaml older than 4.1.1 (none at all today)', () => {
  for (const v of versionsOf('js-yaml')) assert.ok(atLeast(v, '4.1.1'), `js-yaml ${v}`);
});

it('ships better-sqlite3 12.x, which builds and runs on Node 20', () => {
  const versions = versionsOf('better-sqlite3');
  assert.equal(versions.length, 1);
  assert.match(versions[0]!, /^12\./);
});
