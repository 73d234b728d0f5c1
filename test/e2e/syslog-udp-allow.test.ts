/**
 * The UDP allow-list, end to end with util-linux `logger`: a datagram from outside the list
 * is refused on the receiving thread (counted as received and dropped `not_allowed`, never an
 * event, the source named in a rate-limited warning); one from inside is classified. On a
 * dual-stack socket ("::") an IPv4 sender arrives as ::ffff:127.0.0.1 and is matched by its
 * IPv4 rule, both ways (TEST-PLAN S3).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startInProcessGateway, type InProcessGateway } from '../helpers/in-process-gateway.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

describe('syslog over UDP: the allow-list', () => {
  const cleanups: (() => void)[] = [];
  let gw: InProcessGateway;

  before(async () => {
    const dir = tempDir({ after: (fn: () => void) => cleanups.push(fn) });
    gw = await startInProcessGateway(dir, `
listeners:
  syslog:
    - { id: closed, protocol: udp, port: 0, address: 127.0.0.1, allow: [10.0.0.0/8, "2001:db8::/32"] }
    - { id: open, protocol: udp, port: 0, address: 127.0.0.1, allow: [127.0.0.0/8] }
`);
  });

  after(async () => {
    await gw.stop();
    for (const c of cleanups) c();
  });

  const send = (listener: string, text: string) =>
    execFileSync('logger', ['-n', '127.0.0.1', '-P', String(gw.port(listener)), '-d', '--rfc3164', '-t', 'avscan', text], { stdio: 'pipe' });

  it('drops and counts a datagram from outside the list, and classifies one from inside', async () => {
    for (let i = 0; i < 3; i++) send('closed', `refused ${i}`);
    send('open', 'allowed 0');
    await waitFor(async () => (await gw.counter('eventgate_dropped_messages_total', { listener: 'closed', reason: 'not_allowed' })) === 3,
      'three refusals counted');
    await waitFor(() => gw.classified.some((c) => c.event.message.includes('allowed 0')), 'the allowed line classified');
    assert.equal(await gw.counter('eventgate_received_messages_total', { listener: 'closed' }), 3);
    assert.ok(!gw.classified.some((c) => c.event.listener === 'closed'), 'no event from a refused source');
    const warned = gw.records.find((r) => r.code === 'ERR_SOURCE_REFUSED');
    assert.equal(warned?.peer, '127.0.0.1');
  });
});

describe('syslog over UDP on a dual-stack socket: IPv4-mapped senders (S3)', () => {
  it('::ffff:127.0.0.1 is matched by the IPv4 rules: allowed by 127.0.0.0/8, refused by 10.0.0.0/8', async (t) => {
    const dir = tempDir(t);
    const gw = await startInProcessGateway(dir, `
listeners:
  syslog:
    - { id: dual-open, protocol: udp, port: 0, address: "::", allow: [127.0.0.0/8] }
    - { id: dual-closed, protocol: udp, port: 0, address: "::", allow: [10.0.0.0/8] }
`);
    t.after(() => gw.stop());
    const send = (listener: string, text: string) =>
      execFileSync('logger', ['-n', '127.0.0.1', '-P', String(gw.port(listener)), '-d', '--rfc3164', '-t', 'avscan', text], { stdio: 'pipe' });
    send('dual-closed', 'mapped refused');
    send('dual-open', 'mapped allowed');
    await waitFor(async () => (await gw.counter('eventgate_dropped_messages_total', { listener: 'dual-closed', reason: 'not_allowed' })) === 1,
      'the refusal counted');
    const event = await waitFor(() => gw.classified.find((c) => c.event.message.includes('mapped allowed'))?.event, 'the allowed line classified');
    assert.equal(event.peer.address, '127.0.0.1', 'the peer is shown as IPv4');
    assert.ok(!gw.classified.some((c) => c.event.listener === 'dual-closed'));
  });
});
