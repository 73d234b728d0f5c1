/**
 * Hostile senders against the real process. TCP (TEST-PLAN B4, L6): a 10 MB frame as an
 * octet count and a 10 MB line without LF, each on its own connection, while three other
 * connections keep sending; then 10,000 connect/send/close cycles, after which the
 * gateway's open file descriptors are back at their baseline. UDP (B2, B9): an empty
 * datagram, one of 65,507 bytes, a bad PRI and invalid UTF-8 each end as a counted event
 * or a counted drop, never lost and never fatal.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createSocket } from 'node:dgram';
import { startGatewayProcess, type RunningGateway } from '../helpers/gateway-process.js';
import { freePort, httpGet, sample } from '../helpers/http.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const TEN_MB = 10 * 1024 * 1024;
const rssKiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
const fdCount = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Writes `total` bytes in 64 KiB chunks until done or the peer closes; resolves with bytes accepted by the socket. */
function flood(socket: Socket, prefix: string, total: number): Promise<number> {
  return new Promise((resolve) => {
    let written = 0;
    let done = false;
    const finish = () => {
      if (!done) resolve(written);
      done = true;
    };
    socket.on('error', finish);
    socket.on('close', finish);
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    const pump = () => {
      if (written === 0) {
        socket.write(prefix);
      }
      while (written < total && !socket.destroyed) {
        written += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    pump();
  });
}

describe('hostile TCP senders', () => {
  const cleanups: (() => void)[] = [];
  let gw: RunningGateway;
  let port: number;
  let metrics: () => Promise<string>;

  before(async () => {
    const dir = tempDir({ after: (fn: () => void) => cleanups.push(fn) });
    const httpPort = await freePort();
    metrics = async () => (await httpGet(`http://127.0.0.1:${httpPort}/metrics`)).body;
    gw = await startGatewayProcess(dir, `
listeners:
  syslog:
    - { id: tcp, protocol: tcp, port: 0, address: 127.0.0.1, max_connections_per_source: 100 }
http: { listen: "127.0.0.1:${httpPort}" }
channels:
  console: { type: log, template: "%Message%" }
routes:
  - match: { severity: ">=warning" }
    channels: [console]
`);
    port = gw.port('tcp');
  });

  after(async () => {
    const code = await gw.stop('SIGTERM');
    for (const c of cleanups) c();
    assert.equal(code, 0);
  });

  it('closes the connections of 10 MB frames while three others keep sending (B4)', async (t) => {
    const pid = gw.child.pid!;
    const rssBefore = rssKiB(pid);
    const normal = await Promise.all([open(port), open(port), open(port)]);
    const expected: string[] = [];
    // About one second of steady traffic per connection, overlapping the floods.
    const senders = normal.map(async (s, c) => {
      for (let i = 0; i < 100; i++) {
        const id = `b4-${c}-${i}`;
        expected.push(id);
        s.write(`<12>Jan  1 00:00:00 host app: ${id} end\n`);
        await new Promise((r) => setTimeout(r, 10));
      }
      s.end();
    });
    const counted = await open(port);
    const lined = await open(port);
    const [octetBytes, lineBytes] = await Promise.all([
      flood(counted, `${TEN_MB} <12>`, TEN_MB),
      flood(lined, '<12>Jan  1 00:00:00 host app: ', TEN_MB),
    ]);
    await Promise.all(senders);
    assert.ok(counted.destroyed && lined.destroyed, 'both oversize connections were closed by the gateway');
    assert.ok(octetBytes < TEN_MB && lineBytes < TEN_MB, `the gateway stopped reading early (${octetBytes}, ${lineBytes} bytes written)`);
    await waitFor(() => gw.records().some((r) => r.code === 'ERR_SYSLOG_OVERSIZE'), 'the oversize warning');
    assert.equal(sample(await metrics(), 'eventgate_syslog_frame_oversize_total{listener="tcp"}'), 2, 'both frames counted');

    await waitFor(() => {
      const arrived = new Set(gw.lines.filter((l) => l.includes(' b4-')).map((l) => /(b4-\d-\d+) end/.exec(l)?.[1]));
      return expected.every((id) => arrived.has(id));
    }, 'every message of the three normal connections', 20_000);
    const rssGrowthMiB = (rssKiB(pid) - rssBefore) / 1024;
    t.diagnostic(`B4: ${expected.length} normal messages delivered; gateway RSS growth ${rssGrowthMiB.toFixed(1)} MiB`);
    assert.ok(rssGrowthMiB < 16, `RSS grew ${rssGrowthMiB.toFixed(1)} MiB; two 10 MB frames must not be buffered`);
  });

  it('10,000 connect/send/close cycles leave the file descriptors at their baseline (L6)', async (t) => {
    const pid = gw.child.pid!;
    const baseline = fdCount(pid);
    let next = 0;
    let errors = 0;
    const worker = async () => {
      while (next < 10_000) {
        const i = next++;
        await new Promise<void>((resolve) => {
          const s = connect({ host: '127.0.0.1', port }, () => s.end(`<14>Jan  1 00:00:00 host cycle: ${i}\n`));
          s.on('error', () => errors++);
          s.on('close', () => resolve());
        });
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    assert.equal(errors, 0, 'no connection failed');
    const settled = await waitFor(() => {
      const n = fdCount(pid);
      return Math.abs(n - baseline) <= 5 ? n : false;
    }, `fds back near ${baseline}`, 15_000);
    t.diagnostic(`L6: fds ${baseline} before, ${settled} after 10,000 cycles`);
  });
});

describe('hostile UDP datagrams (B2, B9)', () => {
  it('empty, 65,507 bytes, a bad PRI and invalid UTF-8: each a counted event or a counted drop', async (t) => {
    const dir = tempDir(t);
    const httpPort = await freePort();
    const gw = await startGatewayProcess(dir, `
listeners:
  syslog:
    - { id: udp, protocol: udp, port: 0, address: 127.0.0.1 }
http: { listen: "127.0.0.1:${httpPort}" }
`);
    t.after(() => gw.stop('SIGKILL'));
    const datagrams = [
      Buffer.alloc(0),
      Buffer.alloc(65_507, 0x41),
      Buffer.from('<999>a PRI out of range'),
      Buffer.from([0x3c, 0x31, 0x34, 0x3e, 0xff, 0xfe, 0x00, 0x41, 0xc3]),
      Buffer.from('<14>Nov 22 10:00:00 h app: a normal line'),
    ];
    const socket = createSocket('udp4');
    for (const d of datagrams) await new Promise<void>((resolve, reject) => socket.send(d, gw.port('udp'), '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    socket.close();
    const m = await waitFor(async () => {
      const text = await metrics();
      return sample(text, 'eventgate_received_messages_total{listener="udp"}') === datagrams.length && text;
    }, 'every datagram received', 10_000);
    const classified = await waitFor(async () => {
      const n = sample(await metrics(), 'eventgate_classified_events_total{category="other",rule=""}');
      return n === datagrams.length - 1 && n;
    }, 'every non-empty datagram classified', 10_000);
    assert.equal(classified, 4);
    assert.equal(sample(m, 'eventgate_dropped_messages_total{listener="udp",reason="empty"}'), 1, 'the empty datagram dropped and counted');
    assert.ok((sample(m, 'eventgate_malformed_messages_total{listener="udp",reason="no_pri"}') ?? 0) >= 1, 'the lines without a valid PRI counted as malformed');
    assert.equal(gw.child.exitCode, null, 'still running');

    async function metrics(): Promise<string> {
      return (await httpGet(`http://127.0.0.1:${httpPort}/metrics`)).body;
    }
  });
});
