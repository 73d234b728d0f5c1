/**
 * `scripts/install.sh` into a DESTDIR, as a packager runs it: the tree has the program, its
 * runtime dependencies, the unit, sysusers and tmpfiles files and the config, with the
 * right modes; the installed `eventgate check` passes the installed config; the installed
 * unit is clean for `systemd-analyze verify`; a reinstall keeps the admin's config;
 * uninstall removes the program and keeps (or with --purge removes) config and state.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers/gateway-process.js';
import { tempDir } from '../helpers/temp.js';

function install(destdir: string, ...args: string[]) {
  const r = spawnSync('sh', [join(ROOT, 'scripts/install.sh'), ...args], { env: { ...process.env, DESTDIR: destdir }, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `install.sh ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

test('install into a DESTDIR, check the installed config, verify the unit, reinstall, uninstall', { timeout: 150_000 }, (t) => {
  const d = tempDir(t, 'eventgate-destdir-');
  install(d);

  const prefix = join(d, 'opt/eventgate');
  for (const f of ['bin/eventgate', 'bin/eventgate.js', 'dist/main.js', 'dist/app/http.js', 'libexec/hook-spawner.pl', 'config/rules/generic.yaml', 'config/eventgate.schema.json',
    'package.json', 'README.md', 'node_modules/pino/package.json', 'node_modules/prom-client/package.json', 'node_modules/zod/package.json']) {
    assert.ok(existsSync(join(prefix, f)), `${f} installed`);
  }
  assert.ok(!existsSync(join(prefix, 'node_modules/typescript')), 'dev dependencies stay out');
  assert.ok(!existsSync(join(prefix, 'node_modules/fast-check')), 'dev dependencies stay out');
  assert.equal(mode(join(prefix, 'bin/eventgate')), '755');

  const unit = join(d, 'usr/lib/systemd/system/eventgate.service');
  assert.equal(mode(unit), '644');
  const unitText = readFileSync(unit, 'utf8');
  assert.match(unitText, /^ExecStart=\/opt\/eventgate\/bin\/eventgate run --config \/etc\/eventgate\/eventgate\.yaml$/m);
  assert.ok(!unitText.includes(d), 'no DESTDIR path leaks into the unit');
  assert.equal(readFileSync(join(d, 'usr/lib/sysusers.d/eventgate.conf'), 'utf8'), readFileSync(join(ROOT, 'systemd/eventgate.sysusers'), 'utf8'));
  assert.match(readFileSync(join(d, 'usr/lib/tmpfiles.d/eventgate.conf'), 'utf8'), /^d \/var\/lib\/eventgate 0700 eventgate eventgate -$/m);
  assert.equal(readlinkSync(join(d, 'usr/local/bin/eventgate')), '/opt/eventgate/bin/eventgate');

  const config = join(d, 'etc/eventgate/eventgate.yaml');
  assert.equal(mode(config), '640');
  const configText = readFileSync(config, 'utf8');
  assert.match(configText, /protocol: udp, port: 514/);
  assert.match(configText, /protocol: tcp, port: 514/);
  assert.match(configText, /snmp:\n {4}- port: 162/);
  assert.match(configText, /listen: "127\.0\.0\.1:9164"/);
  assert.ok(lstatSync(join(d, 'etc/eventgate/packs')).isSymbolicLink());
  assert.equal(readlinkSync(join(d, 'etc/eventgate/packs')), '../../opt/eventgate/config/rules', 'relative, so it resolves in DESTDIR and on the host');

  // The installed program, on its own runtime dependencies, checks the installed config.
  const check = spawnSync(join(prefix, 'bin/eventgate'), ['check', '--config', config], { encoding: 'utf8', cwd: d, timeout: 30_000 });
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /ok \(3 listener\(s\), \d+ rule\(s\), \d+ example\(s\) passed/);

  // verify needs the unit's programs to exist: point the installed unit at the DESTDIR tree.
  const vdir = join(d, 'verify');
  mkdirSync(vdir);
  writeFileSync(join(vdir, 'eventgate.service'), unitText.replaceAll('/opt/eventgate', prefix).replaceAll('/etc/eventgate', join(d, 'etc/eventgate')));
  const verify = spawnSync('systemd-analyze', ['verify', join(vdir, 'eventgate.service')], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(verify.status, 0, verify.stderr);
  assert.equal(verify.stdout + verify.stderr, '', 'verify prints nothing for a clean unit');

  // An upgrade replaces the program and keeps the admin's configuration.
  writeFileSync(config, configText + '# edited by the admin\n');
  const again = install(d, '--no-build');
  assert.match(again, /kept the existing \/etc\/eventgate\/eventgate\.yaml/);
  assert.match(readFileSync(config, 'utf8'), /# edited by the admin/);
  assert.ok(existsSync(join(prefix, 'dist/main.js')));
  assert.ok(!existsSync(`${prefix}.old`) && !existsSync(`${prefix}.new`));

  mkdirSync(join(d, 'var/lib/eventgate'), { recursive: true });
  install(d, 'uninstall');
  assert.ok(!existsSync(prefix) && !existsSync(unit) && !existsSync(join(d, 'usr/local/bin/eventgate')));
  assert.ok(!existsSync(join(d, 'usr/lib/sysusers.d/eventgate.conf')) && !existsSync(join(d, 'usr/lib/tmpfiles.d/eventgate.conf')));
  assert.ok(existsSync(config) && existsSync(join(d, 'var/lib/eventgate')), 'config and state are kept');
  install(d, 'uninstall', '--purge');
  assert.ok(!existsSync(join(d, 'etc/eventgate')) && !existsSync(join(d, 'var/lib/eventgate')));
});
