import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { formatIssue } from '../../../src/config/source-map.js';
import { makeCerts } from '../../helpers/certs.js';
import { compileConfig, writeConfig } from '../../helpers/email.js';
import { tempDir } from '../../helpers/temp.js';

const dir = tempDir({ after }, 'eventgate-email-config-');

function problems(channelYaml: string, env: NodeJS.ProcessEnv = {}): string[] {
  const r = compileConfig(writeConfig(dir, channelYaml), env);
  return r.ok ? [] : r.issues.map(formatIssue);
}

test('email config errors name file, line, column and key', () => {
  const cases: [string, RegExp][] = [
    ['type: email\nsmtp: { servers: ["mx:99999"] }\nto: a@b.c', /:4:23 channels\.mail\.smtp\.servers\[0\]: invalid server "mx:99999"/],
    ['type: email\nsmtp: {}\nto: a@b.c', /channels\.mail\.smtp\.servers: give at least one server, or mx/],
    ['type: email\nsmtp: { servers: [mx] }\nto: "a@b.c; not-an-address"', /:5:9 channels\.mail\.to\[0\]: invalid address\(es\): not-an-address/],
    ['type: email\nsmtp: { servers: [mx] }\nto: "%ComputerName%@example.com"', /channels\.mail\.to: from is required when no recipient is written literally/],
    ['type: email\nsmtp: { servers: [mx] }\nto: a@b.c\nfrom: "x y"', /channels\.mail\.from: invalid sender "x y"/],
    ['type: email\nsmtp: { servers: [mx] }\nto: a@b.c\nby_category: { viruses: { subject: x } }', /channels\.mail\.by_category\.viruses: unknown category "viruses"/],
    ['type: email\nsmtp: { servers: [mx] }\nto: a@b.c\nsubject: "%Virusname%"', /channels\.mail\.subject: unknown keyword %Virusname%/],
    ['type: email\nsmtp: { servers: [mx] }\nto: a@b.c\ncharset: klingon', /channels\.mail\.charset: unknown charset/],
    ['type: email\nsmtp: { servers: [mx], ca_file: missing.pem }\nto: a@b.c', /channels\.mail\.smtp\.ca_file: cannot read .*missing\.pem: ENOENT/],
    ['type: email\nsmtp: { servers: [mx], tls: none, auth: { user: u, pass: { env: P } } }\nto: a@b.c', /channels\.mail\.smtp\.auth: tls: none would send credentials in clear/],
    ['type: email\nsmtp: { servers: [mx], auth: { user: u, method: XOAUTH2 } }\nto: a@b.c', /channels\.mail\.smtp\.auth\.access_token: XOAUTH2 needs access_token/],
    ['type: email\nsmtp: { servers: ["mx:465"], tls: none }\nto: a@b.c', /channels\.mail\.smtp\.tls: tls: none contradicts a server with implicit TLS/],
  ];
  for (const [yaml, want] of cases) {
    const got = problems(yaml, { P: 'x' });
    assert.ok(got.some((l) => want.test(l)), `${want}\n got: ${got.join('\n')}`);
  }
});

test('a wrong client-certificate passphrase is a config error, and the passphrase is not printed', () => {
  makeCerts(dir);
  const got = problems('type: email\nsmtp: { servers: [mx], client_cert: { pfx_file: client.p12, passphrase: { env: P12 } } }\nto: a@b.c', { P12: 'wrong-canary-77' });
  assert.equal(got.length, 1);
  assert.match(got[0]!, /channels\.mail\.smtp\.client_cert: TLS material not usable/);
  assert.doesNotMatch(got[0]!, /wrong-canary-77/);
  assert.deepEqual(problems('type: email\nsmtp: { servers: [mx], client_cert: { pfx_file: client.p12, passphrase: { env: P12 } } }\nto: a@b.c', { P12: 'p12-secret' }), []);
});

test('without from, the first literal recipient is the sender and check gets a warning', () => {
  const r = compileConfig(writeConfig(dir, 'type: email\nsmtp: { servers: [mx] }\nto: ["%ComputerName%@example.com", soc@example.com]'));
  assert.ok(r.ok);
  assert.deepEqual(r.plan.warnings.map(formatIssue).map((l) => l.replace(/^.*eventgate\.yaml/, '')), [':5:9 channels.mail.to: warning: no from: the first recipient soc@example.com is used as sender']);
});
