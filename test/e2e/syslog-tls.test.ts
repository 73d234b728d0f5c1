/**
 * Syslog over TLS with mutual authentication (TEST-PLAN S4, L6), against the real process
 * with certificates made by openssl for this run: `openssl s_client` without a certificate,
 * with one from another CA, with an expired one, and with TLS 1.1 is refused; a valid one
 * is accepted. A connection that never sends a ClientHello is closed at the handshake
 * timeout; SIGHUP re-reads renewed certificates; 1,000 handshakes leave no descriptors.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { makeTestPki, type TestPki } from '../helpers/syslog-pki.js';
import { startGatewayProcess, type RunningGateway } from '../helpers/gateway-process.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

function sClient(port: number, pki: TestPki, extra: string[], line: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', pki.caCert, '-quiet', '-no_ign_eof', ...extra]);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    // A refused client can exit before it reads its input: EPIPE on stdin is expected then.
    child.stdin.on('error', () => {});
    child.stdin.end(line + '\n');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

const fdCount = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

describe('syslog over TLS with client certificates', () => {
  const cleanups: (() => void)[] = [];
  let gw: RunningGateway;
  let pki: TestPki;
  let port: number;
  let dir: string;
  const seen = (marker: string) => gw.lines.find((l) => l.startsWith('notification console') && l.includes(marker));

  before(async () => {
    dir = tempDir({ after: (fn: () => void) => cleanups.push(fn) });
    pki = makeTestPki(dir);
    gw = await startGatewayProcess(dir, `
listeners:
  syslog:
    - { id: tls, protocol: tls, port: 0, address: 127.0.0.1, cert: server.pem, key: server.key, client_ca: ca.pem, handshake_timeout: 1s }
channels:
  console: { type: log, template: "%Message%" }
routes:
  - channels: [console]
`);
    port = gw.port('tls');
  });

  after(async () => {
    const code = await gw.stop('SIGTERM');
    for (const c of cleanups) c();
    assert.equal(code, 0);
  });

  it('accepts a client with a certificate from the configured CA', async () => {
    const r = await sClient(port, pki, ['-cert', pki.clientCert, '-key', pki.clientKey], '<13>Jan  1 00:00:00 h app: marker-valid');
    assert.equal(r.code, 0, r.out);
    await waitFor(() => seen('marker-valid'), 'the message over mTLS');
  });

  const refusals: [string, (p: TestPki) => string[]][] = [
    ['no client certificate', () => []],
    ['a certificate from another CA', (p) => ['-cert', p.otherClientCert, '-key', p.otherClientKey]],
    ['an expired certificate', (p) => ['-cert', p.expiredClientCert, '-key', p.expiredClientKey]],
    ['TLS 1.1', (p) => ['-cert', p.clientCert, '-key', p.clientKey, '-tls1_1']],
  ];
  for (const [what, args] of refusals) {
    it(`refuses ${what}`, async () => {
      const marker = `marker-refused-${what.replace(/\W+/g, '-')}`;
      await sClient(port, pki, args(pki), `<13>Jan  1 00:00:00 h app: ${marker}`);
      // A later valid message proves the refused one had its chance to arrive.
      await sClient(port, pki, ['-cert', pki.clientCert, '-key', pki.clientKey], `<13>Jan  1 00:00:00 h app: ${marker}-after`);
      await waitFor(() => seen(`${marker}-after`), 'the following valid message');
      assert.equal(gw.lines.filter((l) => l.includes(marker) && !l.includes(`${marker}-after`)).length, 0, 'nothing from the refused client');
    });
  }

  it('logged why the refused handshakes failed', () => {
    assert.ok(gw.records().some((r) => r.code === 'ERR_TLS_HANDSHAKE'), 'an ERR_TLS_HANDSHAKE record');
  });

  it('closes a TCP connection that sends no ClientHello at the handshake timeout', async () => {
    const started = Date.now();
    const socket = netConnect({ host: '127.0.0.1', port });
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const took = Date.now() - started;
    assert.ok(took >= 900 && took < 8000, `closed after ${took} ms (timeout 1 s)`);
  });

  it('serves a renewed certificate after SIGHUP without restarting the listener', async () => {
    const serial = () => execFileSync('openssl', ['x509', '-noout', '-serial'], { input: execFileSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-cert', pki.clientCert, '-key', pki.clientKey], { input: '', stdio: ['pipe', 'pipe', 'ignore'] }) }).toString().trim();
    const before = serial();
    // Renew: a new key and certificate for the server from the same CA, written in place.
    execFileSync('openssl', ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'server.ext', '-out', 'renewed.pem'], { cwd: dir, stdio: 'pipe' });
    copyFileSync(join(dir, 'renewed.pem'), pki.serverCert);
    const reloads = gw.records().filter((r) => r.msg === 'configuration reloaded').length;
    gw.child.kill('SIGHUP');
    await waitFor(() => gw.records().filter((r) => r.msg === 'configuration reloaded').length > reloads, 'the reload');
    const afterSerial = serial();
    assert.notEqual(afterSerial, before, 'the renewed certificate is served');
    assert.equal(gw.port('tls'), port);
    const r = await sClient(port, pki, ['-cert', pki.clientCert, '-key', pki.clientKey], '<13>Jan  1 00:00:00 h app: marker-renewed');
    assert.equal(r.code, 0, r.out);
    await waitFor(() => seen('marker-renewed'), 'a message after the renewal');
  });

  it('1,000 TLS handshakes leave the file descriptors at their baseline', async () => {
    const pid = gw.child.pid!;
    const baseline = fdCount(pid);
    const key = readFileSync(pki.clientKey);
    const cert = readFileSync(pki.clientCert);
    const ca = readFileSync(pki.caCert);
    let done = 0;
    let failures = 0;
    const codes = new Set<string>();
    const worker = async () => {
      while (done < 1000) {
        // Half end cleanly after one message, half drop the connection right after the handshake.
        const clean = done++ % 2 === 0;
        await new Promise<void>((resolve) => {
          const s = tlsConnect({ host: '127.0.0.1', port, key, cert, ca, servername: 'localhost' }, () => {
            if (clean) s.end('<13>Jan  1 00:00:00 h app: handshake\n');
            else s.destroy();
          });
          s.on('error', (e: NodeJS.ErrnoException) => { failures++; codes.add(`${clean}:${e.code}`); });
          s.on('close', () => resolve());
        });
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    assert.equal(failures, 0, [...codes].join(' '));
    const settled = await waitFor(() => {
      const n = fdCount(pid);
      return Math.abs(n - baseline) <= 5 ? n : false;
    }, `fds back near ${baseline}`, 10_000);
    assert.ok(Math.abs(settled - baseline) <= 5);
  });
});
