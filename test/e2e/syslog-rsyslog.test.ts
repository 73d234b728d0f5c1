/**
 * A private rsyslog instance (Debian's rsyslogd with its own config in a temp dir) relays
 * sequence-numbered messages to eventgate twice: over TCP with octet counting and over TLS
 * (gtls driver, mutual authentication with certificates made by openssl). Every message
 * must arrive exactly once and in order on each listener.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTestPki } from '../helpers/syslog-pki.js';
import { startInProcessGateway, type InProcessGateway } from '../helpers/in-process-gateway.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const COUNT = 2000;

describe('rsyslog relaying to eventgate over TCP and TLS', () => {
  const cleanups: (() => void)[] = [];
  let gw: InProcessGateway;
  let rsyslog: ChildProcess;
  let dir: string;
  let stderr = '';

  before(async () => {
    dir = tempDir({ after: (fn: () => void) => cleanups.push(fn) });
    const pki = makeTestPki(dir);
    gw = await startInProcessGateway(dir, `
listeners:
  syslog:
    - { id: tcp, protocol: tcp, port: 0, address: 127.0.0.1 }
    - { id: tls, protocol: tls, port: 0, address: 127.0.0.1, cert: server.pem, key: server.key, client_ca: ca.pem }
`);
    // rsyslog takes messages on its own imtcp port (written to a file) and forwards each
    // one through two actions; "x509/name" makes it verify our server certificate too.
    writeFileSync(join(dir, 'rsyslog.conf'), `
global(workDirectory="${dir}" maxMessageSize="64k"
       defaultNetstreamDriverCAFile="${pki.caCert}"
       defaultNetstreamDriverCertFile="${pki.clientCert}"
       defaultNetstreamDriverKeyFile="${pki.clientKey}")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="0" listenPortFileName="${dir}/imtcp.port" ruleset="relay")
ruleset(name="relay") {
  action(type="omfwd" target="127.0.0.1" port="${gw.port('tcp')}" protocol="tcp"
         tcp_framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")
  action(type="omfwd" target="127.0.0.1" port="${gw.port('tls')}" protocol="tcp"
         tcp_framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format"
         streamDriver="gtls" streamDriverMode="1" streamDriverAuthMode="x509/name"
         streamDriverPermittedPeers="localhost")
}
`);
    rsyslog = spawn('rsyslogd', ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
    rsyslog.stderr!.on('data', (d) => (stderr += d));
    rsyslog.stdout!.on('data', (d) => (stderr += d));
    await waitFor(() => existsSync(join(dir, 'imtcp.port')) && readFileSync(join(dir, 'imtcp.port'), 'utf8').trim(), `rsyslogd to listen (${stderr})`, 15_000);
  });

  after(async () => {
    if (rsyslog.exitCode === null) {
      const exited = new Promise((r) => rsyslog.once('exit', r));
      rsyslog.kill('SIGTERM');
      await exited;
    }
    await gw.stop();
    for (const c of cleanups) c();
  });

  it(`delivers ${COUNT} sequence-numbered messages exactly once and in order on each listener`, async (t) => {
    const port = Number(readFileSync(join(dir, 'imtcp.port'), 'utf8').trim());
    // rsyslogd may write its port file a moment before it accepts: retry the connect.
    const socket = await waitFor(() => new Promise<Socket | false>((res) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => res(s));
      s.once('error', () => res(false));
    }), 'rsyslogd to accept on its imtcp port', 10_000);
    let batch = '';
    for (let seq = 1; seq <= COUNT; seq++) batch += `<13>Mar  2 10:00:00 src relaytest: seq=${seq} via rsyslog\n`;
    await new Promise<void>((r) => socket.end(batch, () => r()));
    const byListener = (id: string) => gw.classified.filter((c) => c.event.listener === id).map((c) => Number(/seq=(\d+)/.exec(c.event.message)?.[1]));
    await waitFor(() => byListener('tcp').length >= COUNT && byListener('tls').length >= COUNT, `${COUNT} messages on both listeners (rsyslog: ${stderr})`, 30_000);
    for (const id of ['tcp', 'tls']) {
      const seqs = byListener(id);
      assert.equal(seqs.length, COUNT, `${id}: no loss, no duplicate`);
      assert.ok(seqs.every((s, i) => s === i + 1), `${id}: in order`);
    }
    const sample = gw.classified.find((c) => c.event.listener === 'tls')!.event;
    assert.equal(sample.peer.transport, 'tls');
    assert.equal(sample.syslog!.format, 'rfc5424');
    assert.equal(sample.syslog!.appName, 'relaytest');
    assert.equal(await gw.counter('eventgate_syslog_connections_rejected_total'), 0);
    t.diagnostic(`rsyslog relayed ${COUNT} messages over TCP and over TLS`);
  });
});
