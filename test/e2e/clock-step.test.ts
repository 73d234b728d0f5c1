/**
 * TEST-PLAN F11: the wall clock steps by an hour, back and forth (libfaketime under the
 * gateway; its monotonic clock is left alone, as NTP or `date -s` would). A hook fails the
 * first attempt of a notification, so a retry is scheduled 2–4 s ahead (equal jitter on
 * retry_initial 4s). Pass: after a step back, the retry still comes within seconds (not an
 * hour later); after a step forward, a retry is not made due at once by the next lease (no
 * storm of overdue retries): it comes after its backoff, while a new notification goes at
 * once. And a digest (4 s) opened before a step of -1 h or +1 h comes out once, on time,
 * holding its events. Without faketime (the Debian package) the tests are skipped with a
 * reason.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT, startGatewayProcess } from '../helpers/gateway-process.js';
import { sendUdp, virusLine } from '../helpers/state.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const FAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

it('F11: retries keep their backoff across wall-clock steps of ±1 h', { timeout: 120_000, skip: existsSync(FAKETIME) ? false : 'libfaketime is not installed (Debian package faketime)' }, async (t) => {
  const dir = tempDir(t);
  const offsetFile = join(dir, 'faketime');
  writeFileSync(offsetFile, '+0');
  const attempts = join(dir, 'attempts.log');
  const hook = join(dir, 'fail-once.sh');
  // Real time (the hook runs outside faketime): "<virus> <ms> <exit>" per attempt.
  writeFileSync(hook, `#!/bin/sh
marker="${dir}/seen-$EVENTGATE_FIELD_VIRUSNAME"
now=$(date +%s%3N)
if [ -e "$marker" ]; then echo "$EVENTGATE_FIELD_VIRUSNAME $now 0" >> "${attempts}"; exit 0; fi
touch "$marker"; echo "$EVENTGATE_FIELD_VIRUSNAME $now 1" >> "${attempts}"; exit 1
`);
  chmodSync(hook, 0o755);
  const yaml = `
listeners: { syslog: [{ id: udp, protocol: udp, port: 0, address: 127.0.0.1 }] }
rules: ["${ROOT}/config/rules/*.yaml"]
store: { path: ./state }
channels:
  hook: { type: exec, command: ${hook}, retry_initial: 4s, retry_max: 4s }
routes:
  - { match: { category: virus }, channels: [hook] }
`;
  const gw = await startGatewayProcess(dir, yaml, {
    LD_PRELOAD: FAKETIME, FAKETIME_TIMESTAMP_FILE: offsetFile, FAKETIME_NO_CACHE: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1',
  });
  t.after(() => gw.stop('SIGKILL'));
  const log = () => (existsSync(attempts) ? readFileSync(attempts, 'utf8') : '').trim().split('\n').filter(Boolean).map((l) => {
    const [virus, at, exit] = l.split(' ');
    return { virus: virus!, at: Number(at), exit: Number(exit) };
  });
  const tries = (virus: string) => log().filter((a) => a.virus === virus);
  const diagnose = () => `attempts:\n${readFileSync(attempts, 'utf8')}\ngateway:\n${gw.tail()}`;

  // A step back by an hour right after the first attempt failed.
  await sendUdp(gw.port('udp'), [virusLine('Back-Step')]);
  await waitFor(() => tries('Back-Step').length === 1, () => `the first attempt\n${gw.tail()}`, 30_000);
  writeFileSync(offsetFile, '-1h');
  await waitFor(() => tries('Back-Step').length >= 2, () => `the retry after the step back (no hour-long stall)\n${diagnose()}`, 30_000);
  const back = tries('Back-Step');
  t.diagnostic(`after the step back, retried ${back[1]!.at - back[0]!.at} ms after the failure`);
  assert.ok(back[1]!.at - back[0]!.at >= 1500, 'not before its backoff');

  // A step forward by two hours (to +1 h), then a new notification: leasing it must not take
  // the retry along just because the step made it look overdue.
  await sendUdp(gw.port('udp'), [virusLine('Forward-Step')]);
  await waitFor(() => tries('Forward-Step').length === 1, () => `the first attempt\n${diagnose()}`, 30_000);
  writeFileSync(offsetFile, '+1h');
  await new Promise((r) => setTimeout(r, 300));
  await sendUdp(gw.port('udp'), [virusLine('After-Step', 'PC-2')]);
  await waitFor(() => tries('After-Step').length >= 1 && tries('Forward-Step').length >= 2, () => `the new notification and the retry\n${diagnose()}`, 30_000);
  const forward = tries('Forward-Step');
  const fresh = tries('After-Step')[0]!;
  t.diagnostic(`after the step forward: new notification ${fresh.at - forward[0]!.at} ms, retry ${forward[1]!.at - forward[0]!.at} ms after the failure`);
  assert.ok(forward[1]!.at - forward[0]!.at >= 1500, 'the retry waited for its backoff');
  assert.ok(forward[1]!.at > fresh.at, 'the new notification went first, the retry after its backoff');
  assert.equal(fresh.exit, 1, 'sanity: the new notification\'s own first attempt');
});

it('F11: a digest comes out once, on time, across wall-clock steps of ±1 h', { timeout: 120_000, skip: existsSync(FAKETIME) ? false : 'libfaketime is not installed (Debian package faketime)' }, async (t) => {
  const dir = tempDir(t);
  const offsetFile = join(dir, 'faketime');
  writeFileSync(offsetFile, '+0');
  const runs = join(dir, 'runs.log');
  const hook = join(dir, 'record.sh');
  // Real time (the hook runs outside faketime): "<ms> <item count>" per digest.
  writeFileSync(hook, `#!/bin/sh\necho "$(date +%s%3N) $EVENTGATE_COUNT" >> "${runs}"\n`);
  chmodSync(hook, 0o755);
  const gw = await startGatewayProcess(dir, `
listeners: { syslog: [{ id: udp, protocol: udp, port: 0, address: 127.0.0.1 }] }
rules: ["${ROOT}/config/rules/*.yaml"]
store: { path: ./state }
channels:
  hook: { type: exec, command: ${hook} }
routes:
  - { match: { category: virus }, channels: [hook], digest: { interval: 4s } }
`, { LD_PRELOAD: FAKETIME, FAKETIME_TIMESTAMP_FILE: offsetFile, FAKETIME_NO_CACHE: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1' });
  t.after(() => gw.stop('SIGKILL'));
  const digests = () => (existsSync(runs) ? readFileSync(runs, 'utf8') : '').trim().split('\n').filter(Boolean).map((l) => l.split(' ').map(Number) as [number, number]);

  for (const [step, name] of [['-1h', 'Back'], ['+1h', 'Forward']] as const) {
    const before = digests().length;
    const sent = Date.now();
    await sendUdp(gw.port('udp'), [virusLine(`${name}-1`), virusLine(`${name}-2`, 'PC-2')]);
    await new Promise((r) => setTimeout(r, 1000));
    writeFileSync(offsetFile, step);
    await waitFor(() => digests().length > before, () => `the digest after the step ${step} (not an hour off)\n${gw.tail()}`, 20_000);
    await new Promise((r) => setTimeout(r, 5000));
    const mine = digests().slice(before);
    t.diagnostic(`step ${step}: digest ${mine[0]![0] - sent} ms after the events`);
    assert.equal(mine.length, 1, `one digest for the step ${step}: ${JSON.stringify(mine)}`);
    assert.equal(mine[0]![1], 2, 'holding both events');
    assert.ok(mine[0]![0] - sent >= 3000, `not before its interval (${mine[0]![0] - sent} ms)`);
  }
});
