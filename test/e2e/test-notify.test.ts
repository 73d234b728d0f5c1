/**
 * `eventgate test-notify CHANNEL` as a real process: a test notification through the real
 * Output of an email (STARTTLS + AUTH against smtp-server), log and exec channel, reported
 * in plain words; a failing email channel names the step that failed; exit 0/1/2. And
 * `eventgate check --verify-outputs`: the same SMTP steps without a message, hook programs
 * and SNMP targets checked, every channel reported, exit 1 when one fails.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { makeCerts, type TestCerts } from '../helpers/certs.js';
import { runCli } from '../helpers/gateway-process.js';
import { recordingHook } from '../helpers/hook.js';
import { startSink, type Sink } from '../helpers/smtp-sink.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir({ after }, 'eventgate-test-notify-');
let certs: TestCerts;
let sink: Sink;
let config: string;
const hook = recordingHook(dir);
const env = { SMTP_PASS: 'canary-tn-31' };

/** The channel that delivers: STARTTLS with the test CA, then AUTH. */
const mailChannel = () => `  mail:
    type: email
    smtp:
      servers: ["127.0.0.1:${sink.port}"]
      tls: required
      ca_file: server.pem
      servername: localhost
      auth: { user: gw, pass: { env: SMTP_PASS } }
    from: gw@example.com
    to: soc@example.com`;

before(async () => {
  certs = makeCerts(dir);
  sink = await startSink({ key: certs.read(certs.serverKey), cert: certs.read(certs.serverCert), user: { name: 'gw', pass: env.SMTP_PASS } });
  config = join(dir, 'eventgate.yaml');
  writeFileSync(config, `
channels:
${mailChannel()}
  unverified:
    type: email
    smtp: { servers: ["127.0.0.1:${sink.port}"], tls: required, auth: { user: gw, pass: { env: SMTP_PASS } } }
    to: soc@example.com
  console: { type: log }
  hook: { type: exec, command: ${hook.path}, args: ["%NotificationId%"] }
`);
});
after(() => sink?.close());

test('email: connected, TLS version and certificate subject, authenticated, accepted with message id', async () => {
  const r = await runCli(['test-notify', 'mail', '--config', config], { env });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /connected to 127\.0\.0\.1:\d+, TLSv1\.[23] \(\S+\), certificate subject CN=localhost, O=eventgate test server, issuer CN=localhost.*, verified/);
  assert.match(r.stdout, /authenticated as gw/);
  assert.match(r.stdout, /accepted by 127\.0\.0\.1:\d+: 250 /);
  const id = /sending test notification (\S+)/.exec(r.stdout)![1]!;
  assert.match(r.stdout, new RegExp(`delivered: .*accepted <${id}@example\\.com>`));
  assert.ok(sink.messages.some((m) => m.parsed.headers.get('x-eventgate-id') === id));
  assert.doesNotMatch(r.stdout + r.stderr, /canary-tn-31/);
});

test('email: a refused certificate names the TLS step, exit 1, no AUTH sent', async () => {
  const auths = sink.auths.length;
  const r = await runCli(['test-notify', 'unverified', '--config', config], { env });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /failed: 127\.0\.0\.1:\d+ connect: .*self-signed certificate.*\(temporary, would be retried\)/);
  assert.match(r.stdout, /NOT delivered \(ERR_SMTP_TLS, temporary failure, the gateway would retry\)/);
  assert.equal(sink.auths.length, auths);
});

test('log and exec channels go through their real outputs too', async () => {
  const log = await runCli(['test-notify', 'console', '--config', config], { env });
  assert.equal(log.code, 0, log.stderr);
  assert.match(log.stdout, /notification console \S+: \[info\] other on .*: eventgate test notification/);
  assert.match(log.stdout, /delivered/);
  const exec = await runCli(['test-notify', 'hook', '--config', config], { env });
  assert.equal(exec.code, 0, exec.stderr);
  const id = /sending test notification (\S+)/.exec(exec.stdout)![1]!;
  assert.deepEqual(hook.records().at(-1)?.argv, [id]);
});

test('an unknown channel is exit 1, a missing one exit 2', async () => {
  const r = await runCli(['test-notify', 'nope', '--config', config], { env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unknown channel "nope"; configured: mail, unverified, console, hook/);
  assert.equal((await runCli(['test-notify', '--config', config])).code, 2);
});

test('check --verify-outputs: SMTP login without a message, hooks runnable, SNMP hosts resolved', async () => {
  const good = join(dir, 'verify-good.yaml');
  writeFileSync(good, `
channels:
${mailChannel()}
  console: { type: log }
  hook: { type: exec, command: ${hook.path} }
  noc: { type: snmp, targets: [{ host: 127.0.0.1, community: { env: SMTP_PASS } }] }
`);
  const messages = sink.messages.length;
  const r = await runCli(['check', '--verify-outputs', '--config', good], { env });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /channel mail \(email\): ok: 1 server\(s\) connected and accepted the credentials\n  trying 127\.0\.0\.1:\d+\n  connected to 127\.0\.0\.1:\d+, TLSv1\.[23] .*, verified\n  authenticated as gw\n/);
  assert.match(r.stdout, /channel console \(log\): ok: nothing to verify/);
  assert.match(r.stdout, new RegExp(`channel hook \\(exec\\): ok: ${hook.path} can be run`));
  assert.match(r.stdout, /channel noc \(snmp\): ok: resolved 127\.0\.0\.1:162 v2c trap \(127\.0\.0\.1\)/);
  assert.equal(sink.messages.length, messages, 'no message sent');
  assert.doesNotMatch(r.stdout + r.stderr, /canary-tn-31/);
});

test('check --verify-outputs: a refused certificate and a missing hook program fail the check, each named', async () => {
  const bad = join(dir, 'verify-bad.yaml');
  writeFileSync(bad, `
channels:
  unverified:
    type: email
    smtp: { servers: ["127.0.0.1:${sink.port}"], tls: required, auth: { user: gw, pass: { env: SMTP_PASS } } }
    to: soc@example.com
  gone: { type: exec, command: /nonexistent/eventgate-hook }
  console: { type: log }
`);
  const auths = sink.auths.length;
  const r = await runCli(['check', '--verify-outputs', '--config', bad], { env });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /channel unverified \(email\): FAILED: 1 of 1 server\(s\) failed: 127\.0\.0\.1:\d+\n  trying .*\n  failed: 127\.0\.0\.1:\d+ connect: .*self-signed certificate/);
  assert.match(r.stdout, /channel gone \(exec\): FAILED: command \/nonexistent\/eventgate-hook does not exist/);
  assert.match(r.stdout, /channel console \(log\): ok/);
  assert.equal(sink.auths.length, auths, 'no credentials sent over an unverified connection');
  const usage = await runCli(['check', '--verify', '--config', bad], { env });
  assert.equal(usage.code, 2);
});
