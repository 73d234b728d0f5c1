/**
 * Syslog over TCP end to end with util-linux `logger` as the sender: LF framing and
 * `--octet-count`, RFC 3164 and RFC 5424 with structured data, IPv4 and IPv6; and the
 * per-listener allow-list (TEST-PLAN S3): a TCP peer or a UDP datagram from 127.0.0.2 is
 * refused while 127.0.0.1 is accepted.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startGatewayProcess, type RunningGateway } from '../helpers/gateway-process.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const run = promisify(execFile);
const logger = (args: string[]) => run('logger', args, { timeout: 10_000 });

describe('syslog over TCP from logger', () => {
  const cleanups: (() => void)[] = [];
  let gw: RunningGateway;
  let tcp: number;
  let udp: number;
  const seen = (marker: string) => gw.lines.find((l) => l.startsWith('notification console') && l.includes(marker));

  before(async () => {
    const dir = tempDir({ after: (fn: () => void) => cleanups.push(fn) });
    gw = await startGatewayProcess(dir, `
listeners:
  syslog:
    - { id: tcp, protocol: tcp, port: 0, allow: [127.0.0.1/32, "::1"] }
    - { id: udp, protocol: udp, port: 0, allow: [127.0.0.1] }
channels:
  console: { type: log, template: "%Message% app=%ProgramName% host=%Host%" }
routes:
  - channels: [console]
`);
    tcp = gw.port('tcp');
    udp = gw.port('udp');
  });

  after(async () => {
    const code = await gw.stop('SIGTERM');
    for (const c of cleanups) c();
    assert.equal(code, 0);
  });

  it('receives RFC 3164 with LF framing over IPv4', async () => {
    await logger(['-T', '-n', '127.0.0.1', '-P', String(tcp), '--rfc3164', '-t', 'avscan', 'lf-3164 marker-a']);
    const line = await waitFor(() => seen('marker-a'), 'the LF-framed message');
    assert.match(line, /lf-3164 marker-a app=avscan/);
  });

  it('receives RFC 5424 with structured data, octet-counted, over IPv6', async () => {
    await logger(['-T', '-n', '::1', '-P', String(tcp), '--rfc5424', '--octet-count', '-t', 'updater', '--sd-id', 'meta@32473', '--sd-param', 'seq="7"', 'octet-5424 marker-b']);
    const line = await waitFor(() => seen('marker-b'), 'the octet-counted message');
    assert.match(line, /octet-5424 marker-b app=updater/);
  });

  it('keeps several messages of one logger connection apart (both framings)', async () => {
    const input = Array.from({ length: 20 }, (_, i) => `multi-${i} marker-c`).join('\n') + '\n';
    for (const framing of [[], ['--octet-count']]) {
      const child = execFile('logger', ['-T', '-n', '127.0.0.1', '-P', String(tcp), '--rfc5424', ...framing, '-t', 'multi']);
      child.stdin!.end(input);
      await new Promise((r) => child.on('close', r));
    }
    await waitFor(() => gw.lines.filter((l) => l.includes('marker-c')).length >= 40, 'all 40 messages');
    for (let i = 0; i < 20; i++) assert.equal(gw.lines.filter((l) => l.includes(`multi-${i} marker-c`)).length, 2, `message ${i} once per framing`);
  });

  it('closes a TCP connection from a source outside the allow-list and takes nothing from it', async () => {
    const socket = connect({ host: '127.0.0.1', port: tcp, localAddress: '127.0.0.2' });
    socket.on('error', () => {});
    socket.on('connect', () => socket.write('<13>Jan  1 00:00:00 h refused: marker-refused-tcp\n'));
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    await logger(['-T', '-n', '127.0.0.1', '-P', String(tcp), '-t', 'after', 'marker-after-tcp']);
    await waitFor(() => seen('marker-after-tcp'), 'the allowed message');
    assert.equal(seen('marker-refused-tcp'), undefined);
    await waitFor(() => gw.records().find((r) => r.code === 'ERR_SOURCE_REFUSED' && r.peer === '127.0.0.2'), 'the refusal log record');
  });

  it('drops UDP datagrams from a source outside the allow-list', async () => {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.2', () => r()));
    await new Promise<void>((r) => s.send('<13>Jan  1 00:00:00 h refused: marker-refused-udp', udp, '127.0.0.1', () => r()));
    s.close();
    await logger(['-d', '-n', '127.0.0.1', '-P', String(udp), '-t', 'after', 'marker-after-udp']);
    await waitFor(() => seen('marker-after-udp'), 'the allowed datagram');
    assert.equal(seen('marker-refused-udp'), undefined);
  });
});
