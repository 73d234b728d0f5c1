/**
 * TEST-PLAN S7: secrets never appear. Each canary is a secret the config references; after
 * a run at trace level with a hook that fails and prints its environment, a rejected
 * reload, an SMTP server that is not there and one that refuses the password (535), trap
 * receivers that are not there, traps in with the right and a wrong community, `check` on
 * a broken and a good config and a `status` call, no canary (nor its base64 or hex) is in
 * stdout, stderr, /metrics, /healthz or the state database (events with their raw bytes,
 * attempts, dead letters). A new secret kind adds one CANARIES line and its config.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT, runCli, startGatewayProcess } from '../helpers/gateway-process.js';
import { freePort, httpGet } from '../helpers/http.js';
import { v2cTrap } from '../helpers/snmp-packets.js';
import { startSink } from '../helpers/smtp-sink.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

/** Environment variable → canary value. Referenced from the config below as `{ env: NAME }`. */
const CANARIES: Record<string, string> = {
  EVENTGATE_TEST_HOOK_TOKEN: 'canary-hook-token-5c1e9a',
  EVENTGATE_TEST_SMTP_PASS: 'canary-smtp-pass-81d2f4',
  EVENTGATE_TEST_COMMUNITY: 'canary-community-3b7e0c',
  EVENTGATE_TEST_V3_AUTH: 'canary-v3-auth-key-9a4d21',
  EVENTGATE_TEST_V3_PRIV: 'canary-v3-priv-key-6f0b83',
  EVENTGATE_TEST_LISTEN_COMMUNITY: 'canary-listen-community-27c9d5',
};

function forms(value: string): string[] {
  return [value, Buffer.from(value).toString('base64'), Buffer.from(value).toString('hex')];
}

function assertNoCanary(where: string, text: string): void {
  for (const [name, value] of Object.entries(CANARIES)) {
    for (const f of forms(value)) assert.ok(!text.includes(f), `${name} (${f}) appears in ${where}`);
  }
}

it('no secret reaches stdout, stderr, /metrics or /healthz', { timeout: 120_000 }, async (t) => {
  const dir = tempDir(t);
  const seen = join(dir, 'hook-env.txt');
  const hook = join(dir, 'leaky-hook.sh');
  // A careless hook: appends its environment to a file, dumps it to stderr (which eventgate logs) and fails.
  writeFileSync(hook, `#!/bin/sh\nenv >> ${seen}\nenv >&2\nexit 1\n`);
  chmodSync(hook, 0o755);
  const httpPort = await freePort();
  // Knows the user, not the password: every AUTH gets 535.
  const refusing = await startSink({ user: { name: 'gw', pass: 'not-the-canary' } });
  t.after(() => refusing.close());
  const good = `listeners:
  syslog:
    - { id: udp, protocol: udp, address: 127.0.0.1, port: 0 }
  snmp:
    - { id: traps, address: 127.0.0.1, port: 0, communities: [{ env: EVENTGATE_TEST_LISTEN_COMMUNITY }] }
rules: ["${ROOT}/config/rules/*.yaml"]
channels:
  console: { type: log }
  ticket:
    type: exec
    command: ${hook}
    env: { TOKEN: { env: EVENTGATE_TEST_HOOK_TOKEN } }
    max_age: 1s
    retry_initial: 100ms
    retry_max: 200ms
  mail:
    type: email
    smtp: { servers: ["127.0.0.1:1"], tls: none, allow_insecure_auth: true, auth: { user: gw, pass: { env: EVENTGATE_TEST_SMTP_PASS } } }
    from: eventgate@example.com
    to: soc@example.com
    max_age: 1s
    retry_initial: 100ms
  refused:
    type: email
    smtp: { servers: ["127.0.0.1:${refusing.port}"], tls: none, allow_insecure_auth: true, auth: { user: gw, pass: { env: EVENTGATE_TEST_SMTP_PASS } } }
    to: soc@example.com
    max_attempts: 1
  traps:
    type: snmp
    targets:
      - { host: 127.0.0.1, port: 1, version: 2c, community: { env: EVENTGATE_TEST_COMMUNITY } }
      - host: 127.0.0.1
        port: 1
        version: 3
        engine_id: "0x8000000001020304"
        user: { name: noc, auth: { key: { env: EVENTGATE_TEST_V3_AUTH } }, priv: { key: { env: EVENTGATE_TEST_V3_PRIV } } }
    max_age: 1s
    retry_initial: 100ms
routes:
  - match: { category: [virus, system-status] }
    channels: [console, ticket, mail, refused, traps]
http: { listen: "127.0.0.1:${httpPort}" }
log: { level: trace }
`;
  const env = { ...CANARIES };
  const gw = await startGatewayProcess(dir, good, env);
  t.after(() => gw.stop('SIGKILL'));
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.send('<12>Nov 22 10:00:00 pc av: Virus found: Canary-Run in /x on pc', gw.port('udp'), '127.0.0.1', () => r()));
  // Traps with the listener's community (stored with it masked) and with a wrong one.
  for (const community of [CANARIES.EVENTGATE_TEST_LISTEN_COMMUNITY!, 'wrong-community']) {
    await new Promise<void>((r) => s.send(v2cTrap(community, '1.3.6.1.6.3.1.1.5.3'), gw.port('traps'), '127.0.0.1', () => r()));
  }
  s.close();
  await waitFor(() => gw.records().find((r) => r.msg === 'delivery given up after retries; notification moved to dead letters' && r.channel === 'ticket'), 'the hook to fail for good', 15_000);
  await waitFor(() => gw.records().find((r) => r.channel === 'refused' && /535|auth/i.test(JSON.stringify(r.error ?? r.err ?? ''))), 'the 535 refusal', 15_000);
  assert.ok(refusing.auths.length > 0 && refusing.mailFroms.length === 0, 'the password was tried and refused, nothing sent');

  // The reference reached the hook (so the test is not vacuous) and the hook printed it.
  assert.ok(readFileSync(seen, 'utf8').includes(CANARIES.EVENTGATE_TEST_HOOK_TOKEN!), 'the hook received the secret');
  assert.ok(gw.records().some((r) => r.msg === 'hook failed' && JSON.stringify(r.hook).includes('TOKEN=<secret>')), 'hook output was logged, redacted');

  writeFileSync(gw.configPath, good.replace('max_age: 1s', 'max_age: soon'));
  gw.child.kill('SIGHUP');
  await waitFor(() => gw.records().find((r) => String(r.msg).startsWith('reload rejected')), 'the rejected reload');

  const metrics = await httpGet(`http://127.0.0.1:${httpPort}/metrics`);
  const health = await httpGet(`http://127.0.0.1:${httpPort}/healthz`);
  assert.equal(health.status, 503);
  const mail = (JSON.parse(health.body).channels as { id: string; lastError?: { code: string } }[]).find((c) => c.id === 'mail');
  assert.ok(mail?.lastError, 'the SMTP channel tried (and failed) with its password');
  const status = await runCli(['status', '--config', gw.configPath], { env });
  const badCheck = await runCli(['check', '--config', gw.configPath], { env });
  assert.equal(badCheck.code, 1);
  writeFileSync(gw.configPath, good);
  const goodCheck = await runCli(['check', '--config', gw.configPath], { env });
  assert.equal(goodCheck.code, 0, goodCheck.stderr);
  assert.equal(await gw.stop('SIGTERM'), 0);

  assertNoCanary('the service stdout', gw.lines.join('\n'));
  assertNoCanary('the service stderr', gw.stderr.join('\n'));
  assertNoCanary('/metrics', metrics.body);
  assertNoCanary('/healthz', health.body);
  for (const [name, r] of Object.entries({ status, badCheck, goodCheck })) assertNoCanary(`${name} output`, r.stdout + r.stderr);
  // The state database, byte for byte (the WAL is checkpointed into it at the stop).
  const db = readFileSync(join(dir, 'state', 'eventgate.db')).toString('latin1');
  assert.ok(db.includes('Canary-Run') && db.includes('****'), 'the events are in it, the trap community masked');
  assertNoCanary('the state database', db);
});
