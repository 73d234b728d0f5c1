/**
 * Lifecycle of the service: SIGTERM stops listeners, lets the delivery in flight finish and
 * exits 0 within 5 s; an invalid config binds nothing and exits 1.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT, runCli, startGatewayProcess } from '../helpers/gateway-process.js';
import { recordingHook } from '../helpers/hook.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

it('SIGTERM drains the delivery in flight and exits 0 within 5 s', async (t) => {
  const dir = tempDir(t);
  const hook = recordingHook(dir);
  const slow = join(dir, 'slow-hook.sh');
  const running = join(dir, 'hook-running');
  writeFileSync(slow, `#!/bin/sh\ntouch ${running}\nsleep 1\nexec ${hook.path} "$@"\n`);
  chmodSync(slow, 0o755);
  const gw = await startGatewayProcess(dir, `listeners:
  syslog:
    - { id: udp, protocol: udp, address: 127.0.0.1, port: 0 }
rules: ["${ROOT}/config/rules/*.yaml"]
channels:
  hook: { type: exec, command: ${slow}, args: ["%VirusName%"] }
routes:
  - { match: { category: virus }, channels: [hook] }
`);
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.send('<12>Nov 22 10:00:00 pc av: Virus found: InFlight-1 in /x', gw.port('udp'), '127.0.0.1', () => r()));
  s.close();
  await waitFor(() => gw.records().find((r) => r.msg === 'eventgate started'), 'startup record');
  // SIGTERM while the hook sleeps (its helper process can take a while to start on a busy box).
  await waitFor(() => existsSync(running), () => `the hook to start\n${gw.tail()}`, 20_000);
  const started = Date.now();
  const code = await gw.stop('SIGTERM');
  const took = Date.now() - started;
  assert.equal(code, 0);
  assert.ok(took < 5000, `stopped in ${took} ms`);
  assert.deepEqual(hook.records().map((r) => r.argv), [['InFlight-1']], 'the delivery in flight completed');
});

it('an invalid config binds nothing and exits 1 with the problems', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'eventgate.yaml');
  writeFileSync(file, 'listeners:\n  syslog:\n    - { protocol: udp, port: 0, bogus: 1 }\n');
  const r = await runCli(['run', '--config', file]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /eventgate\.yaml:3:33 listeners\.syslog\[0\]\.bogus: unknown key "bogus"/);
  assert.match(r.stderr, /configuration invalid; not starting/);
  assert.equal(r.stdout, '');
});
