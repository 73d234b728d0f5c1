/**
 * Test PKI for the syslog TLS tests, made with the openssl CLI: a CA, a server certificate
 * for localhost/127.0.0.1/::1, a client certificate from the same CA, one from another CA,
 * and an expired one. ECDSA P-256 keys keep handshakes cheap on the loaded CI box.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestPki {
  readonly dir: string;
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  readonly otherCaCert: string;
  readonly otherClientCert: string;
  readonly otherClientKey: string;
  readonly expiredClientCert: string;
  readonly expiredClientKey: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

function key(dir: string, name: string): string {
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`], dir);
  return join(dir, `${name}.key`);
}

function ca(dir: string, name: string): void {
  key(dir, name);
  openssl(['req', '-x509', '-new', '-key', `${name}.key`, '-sha256', '-days', '2', '-subj', `/CN=${name}`, '-out', `${name}.pem`], dir);
}

function leaf(dir: string, name: string, issuer: string, ext: string, dates?: { start: string; end: string }): void {
  key(dir, name);
  openssl(['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`], dir);
  writeFileSync(join(dir, `${name}.ext`), ext);
  if (!dates) {
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-CAcreateserial', '-days', '2', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.pem`], dir);
    return;
  }
  // `openssl x509` cannot backdate a certificate before OpenSSL 3.4; `openssl ca` can.
  writeFileSync(join(dir, `${name}-index.txt`), '');
  writeFileSync(join(dir, `${name}-ca.cnf`), `[ca]\ndefault_ca = d\n[d]\ndatabase = ${name}-index.txt\nnew_certs_dir = .\nserial = ${name}.serial\ndefault_md = sha256\npolicy = p\nunique_subject = no\n[p]\ncommonName = supplied\n`);
  writeFileSync(join(dir, `${name}.serial`), '1000\n');
  openssl(['ca', '-batch', '-config', `${name}-ca.cnf`, '-cert', `${issuer}.pem`, '-keyfile', `${issuer}.key`, '-in', `${name}.csr`, '-startdate', dates.start, '-enddate', dates.end, '-extfile', `${name}.ext`, '-notext', '-out', `${name}.pem`], dir);
}

/** Creates the PKI in `dir` (a few hundred ms). */
export function makeTestPki(dir: string): TestPki {
  ca(dir, 'ca');
  ca(dir, 'other-ca');
  leaf(dir, 'server', 'ca', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n');
  leaf(dir, 'client', 'ca', 'extendedKeyUsage=clientAuth\n');
  leaf(dir, 'other-client', 'other-ca', 'extendedKeyUsage=clientAuth\n');
  leaf(dir, 'expired-client', 'ca', 'extendedKeyUsage=clientAuth\n', { start: '20200101000000Z', end: '20200102000000Z' });
  const p = (f: string) => join(dir, f);
  return {
    dir,
    caCert: p('ca.pem'),
    serverCert: p('server.pem'),
    serverKey: p('server.key'),
    clientCert: p('client.pem'),
    clientKey: p('client.key'),
    otherCaCert: p('other-ca.pem'),
    otherClientCert: p('other-client.pem'),
    otherClientKey: p('other-client.key'),
    expiredClientCert: p('expired-client.pem'),
    expiredClientKey: p('expired-client.key'),
  };
}
