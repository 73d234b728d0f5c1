/**
 * The CLI as a newcomer and an operator use it: `check` on good and bad files, `classify`
 * and `replay` on the shipped rules, usage errors, and reload with SIGHUP (a broken file keeps the
 * running config; a good one takes effect: TEST-PLAN F10).
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, runCli, startGatewayProcess } from '../helpers/gateway-process.js';
import { recordingHook } from '../helpers/hook.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const DEFAULT_CONFIG = join(ROOT, 'config/eventgate.yaml');

async function sendUdp(port: number, line: string): Promise<void> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve, reject) => s.send(line, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  s.close();
}

describe('eventgate check', () => {
  it('passes the shipped config and runs its rule examples', async () => {
    const r = await runCli(['check', '--config', DEFAULT_CONFIG]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ok \(2 listener\(s\), \d+ rule\(s\), \d+ example\(s\) passed/);
  });

  it('exits 1 naming line and column of an unknown key, a wrong type and an unknown keyword', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, `listeners:
  syslog:
    - { protocol: udp, port: 5514, colour: blue }
channels:
  log: { type: log, template: "%Nope% on %Host%" }
  hook: { type: exec, command: /bin/true, concurrency: many }
`);
    const r = await runCli(['check', '--config', file]);
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n');
    assert.ok(lines.includes(`${file}:3:36 listeners.syslog[0].colour: unknown key "colour"`), r.stderr);
    assert.ok(lines.includes(`${file}:6:56 channels.hook.concurrency: Invalid input: expected number, received string`), r.stderr);
    // The template sits in a section that validated, so it is reported in the same run.
    assert.ok(lines.some((l) => l.startsWith(`${file}:5:`) && l.includes('unknown keyword %Nope%')), r.stderr);
  });

  it('fails a rule whose example no longer classifies as written', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'rules.yaml'), `rules:
  - id: virus
    match: { message: 'Virus (?<VirusName>\\S+)' }
    category: virus
    severity: critical
    examples:
      - input: "<12>Nov 22 10:00:00 h av: Virus EICAR"
        expect: { category: virus, severity: warning, fields: { VirusName: EICAR } }
`);
    writeFileSync(join(dir, 'eventgate.yaml'), 'rules: [rules.yaml]\n');
    const r = await runCli(['check', '--config', join(dir, 'eventgate.yaml')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /rules\.yaml:7:\d+ rules\[0\]\.examples\[0\]: rule virus: example 1: severity is critical, expected warning/);
  });

  it('YAML hazards exit 1 at their position: a duplicate key, an alias bomb, an unterminated quote (reported where the file ends, as the YAML parser finds it)', async (t) => {
    const dir = tempDir(t);
    const cases: [string, string, RegExp][] = [
      ['dup.yaml', 'log: { level: info }\nlog: { level: debug }\n', /dup\.yaml:2:1 \(yaml\): Map keys must be unique/],
      ['bomb.yaml', 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
        /bomb\.yaml:1:1 \(yaml\): Excessive alias count/],
      ['quote.yaml', 'log:\n  level: "info\nrules: []\n', /quote\.yaml:4:1 \(yaml\): Missing closing "quote/],
    ];
    for (const [name, yaml, re] of cases) {
      writeFileSync(join(dir, name), yaml);
      const r = await runCli(['check', '--config', join(dir, name)]);
      assert.equal(r.code, 1, name);
      assert.match(r.stderr, re);
    }
  });

  it('usage errors exit 2', async () => {
    assert.equal((await runCli(['frobnicate'])).code, 2);
    assert.equal((await runCli(['check', '--bogus'])).code, 2);
    assert.equal((await runCli([])).code, 2);
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /usage: eventgate/);
  });
});

describe('eventgate classify', () => {
  it('classifies a virus, an update-failed and a service-stopped line with their fields', async () => {
    const input = [
      '<12>Nov 22 10:15:02 fs01 avscan[812]: Virus found: EICAR-Test-File in C:\\Users\\bob\\eicar.com on PC-0042',
      '<11>Nov 22 03:00:12 av-console updater[2231]: Pattern update failed: connection to update server timed out',
      '<11>1 2026-11-22T11:00:00Z mail01 imssmgr 77 - - Service scanner has stopped unexpectedly',
      '<14>Nov 22 11:00:00 h sshd: nothing to see',
    ].join('\n');
    const r = await runCli(['classify', '--config', DEFAULT_CONFIG], { input });
    assert.equal(r.code, 0, r.stderr);
    const results = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(results.map((x) => [x.category, x.severity, x.rule]), [
      ['virus', 'critical', 'generic-virus-found'],
      ['update', 'warning', 'generic-update-failed'],
      ['system-status', 'error', 'generic-service-stopped'],
      ['other', 'info', null],
    ]);
    assert.deepEqual([results[0].fields.VirusName, results[0].fields.InfectedObject, results[0].fields.ComputerName], ['EICAR-Test-File', 'C:\\Users\\bob\\eicar.com', 'PC-0042']);
    assert.equal(results[1].fields.ErrorDescription, 'connection to update server timed out');
    assert.equal(results[2].fields.Service, 'scanner');
    assert.deepEqual(results[0].channels, ['console']);
    assert.deepEqual(results[3].channels, []);
    assert.equal(results[0].event.syslog.appName, 'avscan');
  });
});

describe('eventgate replay', () => {
  it('replays a capture from stdin on the shipped config: what would have been notified, and when', async () => {
    const input = [
      '<12>1 2026-11-22T10:15:02Z fs01 avscan 812 - - Virus found: EICAR-Test-File in C:\\eicar.com on PC-0042',
      '<14>1 2026-11-22T10:16:00Z fs01 sshd 9 - - nothing to see',
      '<11>1 2026-11-22T11:00:00Z mail01 imssmgr 77 - - Service scanner has stopped unexpectedly',
    ].join('\n');
    const r = await runCli(['replay', '-', '--config', DEFAULT_CONFIG], { input });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.split('  ').slice(0, 3)), [
      ['2026-11-22T10:15:02.000Z', 'console', 'alert'],
      ['2026-11-22T11:00:00.000Z', 'console', 'alert'],
    ]);
    assert.match(r.stderr, /^replay: 3 line\(s\), 0 unreadable; 3 event\(s\) .*; 2 notification\(s\) \(console 2\)\n$/);
    const usage = await runCli(['replay', '--config', DEFAULT_CONFIG]);
    assert.equal(usage.code, 2);
  });
});

describe('reload with SIGHUP', () => {
  it('keeps the running config when the new file is broken, applies a good one', async (t) => {
    const dir = tempDir(t);
    const hook = recordingHook(dir);
    const config = (route: string) => `listeners:
  syslog:
    - { id: udp, protocol: udp, address: 127.0.0.1, port: 0 }
rules: ["${ROOT}/config/rules/*.yaml"]
channels:
  hook: { type: exec, command: ${hook.path}, args: ["%Category%", "%Title%"] }
routes:
  - match: { category: ${route} }
    channels: [hook]
`;
    const gw = await startGatewayProcess(dir, config('virus'));
    t.after(() => gw.stop('SIGKILL'));
    const port = gw.port('udp');

    writeFileSync(gw.configPath, config('virus') + 'bogus: [\n');
    gw.child.kill('SIGHUP');
    await gw.waitForRecord((r) => r.msg === 'reload rejected: configuration invalid; keeping the running configuration', 'the rejected reload');
    const rejected = gw.records().find((r) => String(r.msg).startsWith('reload rejected'))!;
    assert.match(String((rejected.issues as string[])[0]), new RegExp(`^${gw.configPath}:\\d+:\\d+ `));

    await sendUdp(port, '<12>Nov 22 10:00:00 pc avscan: Virus found: Marker-1 in /x on pc');
    await waitFor(() => hook.records().find((r) => r.argv[1]!.includes('Marker-1')), 'the old config to keep routing virus events', 15_000);

    writeFileSync(gw.configPath, config('update'));
    gw.child.kill('SIGHUP');
    await gw.waitForRecord((r) => r.msg === 'configuration reloaded', 'the good reload');
    await sendUdp(port, '<12>Nov 22 10:00:00 pc avscan: Virus found: Marker-2 in /x on pc');
    await sendUdp(port, '<11>Nov 22 10:00:00 pc updater: Pattern update failed: Marker-3');
    await waitFor(() => hook.records().find((r) => r.argv[0] === 'update'), 'the new route to take effect', 15_000);
    assert.equal(hook.records().filter((r) => r.argv[1]!.includes('Marker-2')).length, 0, 'virus is no longer routed');
    assert.equal(await gw.stop('SIGTERM'), 0);
  });
});
