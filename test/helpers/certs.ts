/**
 * Test certificates made with the real openssl CLI, once per test file, in a temp dir:
 * a self-signed server certificate for localhost/127.0.0.1, a client CA and a client
 * certificate signed by it (PEM with an encrypted key, and the same as PKCS#12).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCerts {
  readonly dir: string;
  /** Self-signed server certificate (also its own CA file) and key. */
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCa: string;
  readonly clientCert: string;
  /** Encrypted with `keyPassphrase`. */
  readonly clientKey: string;
  readonly keyPassphrase: string;
  /** PKCS#12 bundle of the client certificate and key, encrypted with `p12Passphrase`. */
  readonly clientP12: string;
  readonly p12Passphrase: string;
  read(file: string): Buffer;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeCerts(dir: string): TestCerts {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
  openssl(dir, ['req', '-x509', ...ec, '-nodes', '-keyout', 'server.key', '-out', 'server.pem', '-days', '2',
    '-subj', '/CN=localhost/O=eventgate test server', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
  openssl(dir, ['req', '-x509', ...ec, '-nodes', '-keyout', 'client-ca.key', '-out', 'client-ca.pem', '-days', '2', '-subj', '/CN=eventgate test client CA']);
  openssl(dir, ['req', ...ec, '-keyout', 'client.key', '-passout', 'pass:key-secret', '-out', 'client.csr', '-subj', '/CN=gateway-client']);
  openssl(dir, ['x509', '-req', '-in', 'client.csr', '-CA', 'client-ca.pem', '-CAkey', 'client-ca.key', '-CAcreateserial', '-out', 'client.pem', '-days', '2']);
  openssl(dir, ['pkcs12', '-export', '-in', 'client.pem', '-inkey', 'client.key', '-passin', 'pass:key-secret', '-out', 'client.p12', '-passout', 'pass:p12-secret']);
  const p = (f: string) => join(dir, f);
  return {
    dir,
    serverCert: p('server.pem'),
    serverKey: p('server.key'),
    clientCa: p('client-ca.pem'),
    clientCert: p('client.pem'),
    clientKey: p('client.key'),
    keyPassphrase: 'key-secret',
    clientP12: p('client.p12'),
    p12Passphrase: 'p12-secret',
    read: (f) => readFileSync(f),
  };
}
