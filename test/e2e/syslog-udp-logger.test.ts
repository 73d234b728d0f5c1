/**
 * Backbone end to end: `eventgate run` as a child process, util-linux `logger` sending
 * RFC 3164 and RFC 5424 over UDP (IPv4 and IPv6), an exec hook and the log output receiving
 * the classified events with their extracted fields.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startGatewayProcess, type RunningGateway } from '../helpers/gateway-process.js';
import { recordingHook } from '../helpers/hook.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';
import { ROOT } from '../helpers/gateway-process.js';

function logger(args: string[]): void {
  execFileSync('logger', args, { stdio: 'pipe' });
}

describe('syslog over UDP from logger to an exec hook', () => {
  const cleanups: (() => void)[] = [];
  const ctx = { after: (fn: () => void) => cleanups.push(fn) };
  let gw: RunningGateway;
  let hook: ReturnType<typeof recordingHook>;
  let port: number;

  before(async () => {
    const dir = tempDir(ctx);
    hook = recordingHook(dir);
    gw = await startGatewayProcess(dir, `
listeners:
  syslog:
    - { id: udp, protocol: udp, port: 0 }
rules: ["${ROOT}/config/rules/*.yaml"]
channels:
  console: { type: log }
  hook:
    type: exec
    command: ${hook.path}
    args: ["--host", "%ComputerName%", "--virus", "%VirusName%", "--object", "%InfectedObject%", "%Severity%"]
    timeout: 5s
routes:
  - match: { category: [virus, update] }
    channels: [console, hook]
`);
    port = gw.port('udp');
  });

  after(async () => {
    const code = await gw.stop('SIGTERM');
    for (const c of cleanups) c();
    assert.equal(code, 0, 'SIGTERM exits 0');
  });

  it('classifies an RFC 3164 virus line over IPv4 and hands the fields to the hook', async () => {
    logger(['-n', '127.0.0.1', '-P', String(port), '-d', '--rfc3164', '-t', 'avscan', 'Virus found: EICAR-Test-File in /srv/share/eicar.com on PC-0042']);
    const rec = await waitFor(() => hook.records().find((r) => r.argv.includes('EICAR-Test-File')), 'the hook to run');
    assert.deepEqual(rec.argv, ['--host', 'PC-0042', '--virus', 'EICAR-Test-File', '--object', '/srv/share/eicar.com', 'critical']);
    const stdin = JSON.parse(rec.stdin);
    assert.equal(stdin.category, 'virus');
    assert.equal(stdin.items[0].fields.VirusName, 'EICAR-Test-File');
    assert.equal(stdin.items[0].ruleId, 'generic-virus-found');
    assert.equal(rec.env.EVENTGATE_CATEGORY, 'virus');
    assert.equal(rec.env.EVENTGATE_FIELD_INFECTEDOBJECT, '/srv/share/eicar.com');
    assert.equal(rec.env.HOME, undefined, "the hook's environment is clean");
    await gw.waitForLine((l) => l.startsWith('notification console') && l.includes('EICAR-Test-File'), 'the log output line');
  });

  it('classifies an RFC 5424 update-failed line over IPv6', async () => {
    logger(['-n', '::1', '-P', String(port), '-d', '--rfc5424', '-t', 'updater', '--sd-id', 'meta@32473', '--sd-param', 'seq="7"', 'Pattern update failed: connection timed out']);
    const rec = await waitFor(() => hook.records().find((r) => r.argv.includes('warning')), 'the hook to run for the update line');
    const stdin = JSON.parse(rec.stdin);
    assert.equal(stdin.category, 'update');
    assert.equal(stdin.items[0].fields.ErrorDescription, 'connection timed out');
    assert.equal(stdin.items[0].fields.ProgramName, 'updater');
    const line = await gw.waitForLine((l) => l.startsWith('notification console') && l.includes('update'), 'the log output line');
    assert.match(line, /\[warning\] update on /);
  });

  it('does not notify events that no route matches', async () => {
    const before = hook.records().length;
    logger(['-n', '127.0.0.1', '-P', String(port), '-d', '--rfc3164', '-t', 'sshd', 'Accepted publickey for bob']);
    logger(['-n', '127.0.0.1', '-P', String(port), '-d', '--rfc3164', '-t', 'avscan', 'Virus found: Marker-2 in /tmp/x on PC-1']);
    await waitFor(() => hook.records().find((r) => r.argv.includes('Marker-2')), 'the marker event');
    assert.equal(hook.records().length, before + 1, 'only the routed event reached the hook');
  });
});
