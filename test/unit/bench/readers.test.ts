/**
 * The bench's pure readers: /proc parsers (CPU ticks, peak RSS, UDP drop counters), the
 * Prometheus text parser and histogram quantiles, the CPU profile summary, feature
 * detection from the JSON Schema and the bench config, and the syslog lines the generator
 * sends (headers, size, framing).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ROOT } from '../../../bench/lib/corpus.js';
import { benchConfig, detectFeatures, V3 } from '../../../bench/lib/gateway.js';
import { OID_IF_INDEX, OID_LINK_DOWN } from '../../../bench/lib/traps.js';
import { classify } from '../../../src/cli/classify.js';
import { parseCpuLine, parseStatTicks, parseStatusKb } from '../../../bench/lib/proc.js';
import { hotSpots } from '../../../bench/lib/profile.js';
import { bucketDelta, buckets, parseProm, quantile, sum } from '../../../bench/lib/prom.js';
import { frame, syslogLine } from '../../../bench/lib/syslog-lines.js';

/** Options of the generated syslog lines. */
const o = { sender: 2, size: 150, date: new Date(2026, 0, 5, 3, 4, 5), pid: 42 };

describe('/proc parsers', () => {
  it('reads utime+stime after a command name with spaces and parentheses', () => {
    const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194304 100 0 0 0 1234 567 89 10 20 0 11 0 5000 1000000 2000';
    assert.equal(parseStatTicks(stat), 1234 + 567);
    assert.equal(parseStatTicks(stat, true), 1234 + 567 + 89 + 10);
  });

  it('reads VmHWM in bytes', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1000 kB\nVmHWM:\t   98765 kB\nVmRSS:\t 5 kB\n';
    assert.equal(parseStatusKb(status, 'VmHWM'), 98765 * 1024);
    assert.equal(parseStatusKb(status, 'VmSwap'), undefined);
  });

  it('reads busy and total ticks from /proc/stat', () => {
    assert.deepEqual(parseCpuLine('cpu  100 5 50 800 40 0 5 0 0 0\ncpu0 1 2 3 4\n'), { busy: 160, total: 1000 });
  });
});

describe('Prometheus text', () => {
  const text = [
    '# HELP eventgate_received_messages_total x',
    '# TYPE eventgate_received_messages_total counter',
    'eventgate_received_messages_total{listener="udp"} 10',
    'eventgate_received_messages_total{listener="tcp"} 5',
    'eventgate_dropped_messages_total{listener="udp",reason="queue \\"full\\""} 2',
    'eventgate_ingest_latency_seconds_bucket{le="0.001"} 50',
    'eventgate_ingest_latency_seconds_bucket{le="0.01"} 90',
    'eventgate_ingest_latency_seconds_bucket{le="0.1"} 100',
    'eventgate_ingest_latency_seconds_bucket{le="+Inf"} 100',
    'eventgate_ingest_latency_seconds_count 100',
  ].join('\n');
  const s = parseProm(text);

  it('sums samples by name and labels, unescaping label values', () => {
    assert.equal(sum(s, 'eventgate_received_messages_total'), 15);
    assert.equal(sum(s, 'eventgate_received_messages_total', { listener: 'tcp' }), 5);
    assert.equal(s.find((x) => x.name === 'eventgate_dropped_messages_total')!.labels.reason, 'queue "full"');
  });

  it('interpolates quantiles inside buckets, over a window of two snapshots', () => {
    const b = buckets(s, 'eventgate_ingest_latency_seconds');
    assert.equal(quantile(0.5, b), 0.001);
    assert.ok(Math.abs(quantile(0.7, b)! - 0.0055) < 1e-9);
    assert.ok(Math.abs(quantile(0.99, b)! - 0.091) < 1e-9);
    const before = [{ le: 0.001, count: 50 }, { le: 0.01, count: 50 }, { le: 0.1, count: 50 }, { le: Infinity, count: 50 }];
    const d = bucketDelta(b, before);
    assert.deepEqual(d.map((x) => x.count), [0, 40, 50, 50]);
    assert.equal(quantile(0.5, []), undefined);
    assert.equal(quantile(1, [{ le: 0.5, count: 0 }, { le: Infinity, count: 3 }]), 0.5);
  });
});

describe('CPU profile summary', () => {
  it('adds self time per function and ranks it', () => {
    const p = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 3] },
        { id: 2, callFrame: { functionName: 'parse', url: 'file:///repo/dist/parse.js', lineNumber: 9 } },
        { id: 3, callFrame: { functionName: '', url: 'file:///repo/dist/x.js', lineNumber: 0 } },
      ],
      samples: [2, 2, 3, 2], timeDeltas: [1000, 1000, 2000, 1000], startTime: 0, endTime: 5000,
    };
    const h = hotSpots(p, 5, '/repo');
    assert.deepEqual(h[0], { fn: 'parse', where: 'dist/parse.js:10', selfMs: 3, percent: 60 });
    assert.deepEqual(h[1], { fn: '(anonymous)', where: 'dist/x.js:1', selfMs: 2, percent: 40 });
  });

  it('leaves out idle time and what ran before the first sample of startAt', () => {
    const p = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 3, 5] },
        { id: 2, callFrame: { functionName: 'compile', url: '', lineNumber: 0 } },
        { id: 3, callFrame: { functionName: 'onMessage', url: 'node:dgram', lineNumber: 0 }, children: [4] },
        { id: 4, callFrame: { functionName: 'parse', url: '', lineNumber: 0 } },
        { id: 5, callFrame: { functionName: '(idle)', url: '', lineNumber: 0 } },
      ],
      samples: [2, 2, 4, 5, 2, 4], timeDeltas: [1000, 1000, 1000, 5000, 1000, 1000], startTime: 0, endTime: 10000,
    };
    const h = hotSpots(p, 5, undefined, 'onMessage');
    assert.deepEqual(h.map((x) => [x.fn, x.selfMs, x.percent]), [['parse', 2, 66.7], ['compile', 1, 33.3]]);
  });
});

describe('bench config', () => {
  it('detects optional features from the JSON Schema', () => {
    const udpOnly = { properties: { listeners: { properties: { syslog: { items: { oneOf: [{ properties: { protocol: { const: 'udp' } } }] } } } } } };
    assert.deepEqual(detectFeatures(udpOnly), { tcp: false, snmp: false, http: false, store: false });
    const all = { properties: {
      listeners: { properties: { syslog: { items: { oneOf: [{ properties: { protocol: { const: 'udp' } } }, { properties: { protocol: { const: 'tcp' } } }] } }, snmp: {} } },
      http: {}, store: {},
    } };
    assert.deepEqual(detectFeatures(all), { tcp: true, snmp: true, http: true, store: true });
  });

  it('adds listeners, the endpoint and the store only when the build has them', () => {
    const none = benchConfig({ root: '/r', dir: '/d', features: { tcp: false, snmp: false, http: false, store: false } });
    assert.doesNotMatch(none, /protocol: tcp|snmp:|http:|store:/);
    assert.match(none, /rules: \["\/r\/config\/rules\/\*\.yaml"\]/);
    const all = benchConfig({ root: '/r', dir: '/d', features: { tcp: true, snmp: true, http: true, store: true }, hook: { script: '/d/h.sh', out: '/d/o' } });
    assert.match(all, /protocol: tcp/);
    assert.match(all, /key: \{ env: BENCH_V3_AUTH \}/);
    assert.match(all, /http: \{ listen: "127\.0\.0\.1:0" \}/);
    assert.match(all, /store: \{ path: "\/d\/state" \}/);
    assert.match(all, /- \{ channels: \[hook\] \}/);
    assert.doesNotMatch(all, /sink/);
  });

  it('with hooks beside a syslog load, sends the trap events to the hook and syslog virus lines to the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-config-'));
    const env = { BENCH_V3_AUTH: process.env.BENCH_V3_AUTH, BENCH_V3_PRIV: process.env.BENCH_V3_PRIV };
    Object.assign(process.env, { BENCH_V3_AUTH: V3.auth, BENCH_V3_PRIV: V3.priv });
    try {
      const file = join(dir, 'eventgate.yaml');
      writeFileSync(file, benchConfig({ root: ROOT, dir, features: { tcp: true, snmp: true, http: true, store: true }, hook: { script: join(dir, 'h.sh'), out: join(dir, 'o'), trapsOnly: true } }));
      const trap = JSON.stringify({ trap: { oid: OID_LINK_DOWN, varbinds: [{ oid: `${OID_IF_INDEX}.7`, type: 'Integer', value: 7 }] } });
      const date = new Date(2026, 0, 5);
      let out = '';
      const code = await classify(file, Readable.from([`${trap}\n`, ...[0, 1].map((n) => `${syslogLine(n, { ...o, format: '3164', date })}\n`)]), { stdout: (s) => (out += s), stderr: () => {} });
      assert.equal(code, 0);
      const channels = out.trim().split('\n').map((l) => (JSON.parse(l) as { channels: string[] }).channels);
      assert.deepEqual(channels, [['hook'], ['sink'], []]);
    } finally {
      for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('generated syslog lines', () => {

  it('RFC 3164 and 5424 headers, a sequence number and the requested size', () => {
    const l3164 = syslogLine(7, { ...o, format: '3164' });
    assert.match(l3164, /^<134>Jan  5 03:04:05 bench-host avscan\[42\]: seq=2-7 .* user login ok$/);
    assert.equal(l3164.length, 150);
    const l5424 = syslogLine(10, { ...o, format: '5424' });
    assert.match(l5424, /^<130>1 \S+ bench-host avscan 42 ID47 - seq=2-10 .*Virus found: EICAR-Test-File in C:\\Users\\u10\\eicar\.com on PC-10$/);
  });

  it('frames with LF or an octet count in bytes', () => {
    assert.equal(frame('é', 'lf'), 'é\n');
    assert.equal(frame('é', 'octet'), '2 é');
  });
});
