/**
 * Operations end to end: `eventgate run` with the HTTP endpoint, UDP syslog from node:dgram.
 * /metrics counts exactly what was sent; a channel whose hook fails every time shows as
 * degraded in /healthz (503) and `eventgate status` (exit 1); its dead letter comes back
 * through the pipeline as a system-status event routed to another hook; a reload that
 * drops the broken channel makes it healthy (200, exit 0, generation 2).
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT, runCli, startGatewayProcess } from '../helpers/gateway-process.js';
import { recordingHook } from '../helpers/hook.js';
import { freePort, httpGet, sample } from '../helpers/http.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const VIRUS = 6;
const OTHER = 9;

async function sendAll(port: number, lines: string[]): Promise<void> {
  const s = createSocket('udp4');
  for (const line of lines) await new Promise<void>((resolve, reject) => s.send(line, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
  s.close();
}

it('health and metrics while traffic flows; a failing channel is degraded and raises a system-status event', { timeout: 120_000 }, async (t) => {
  const dir = tempDir(t);
  const ops = recordingHook(dir, 'ops');
  const failing = join(dir, 'failing.sh');
  writeFileSync(failing, '#!/bin/sh\necho "cannot reach the ticket system" >&2\nexit 1\n');
  chmodSync(failing, 0o755);
  const httpPort = await freePort();
  const config = (withBroken: boolean) => `listeners:
  syslog:
    - { id: udp, protocol: udp, address: 127.0.0.1, port: 0 }
rules: ["${ROOT}/config/rules/*.yaml"]
channels:
  console: { type: log }
  ops: { type: exec, command: ${ops.path}, args: ["%Rule%", "%Title%"] }
${withBroken ? `  broken: { type: exec, command: ${failing}, max_age: 1500ms, retry_initial: 100ms, retry_max: 300ms }\n` : ''}routes:
  - match: { rule: eventgate-delivery-dead }
    channels: [ops]
  - match: { category: virus }
    channels: [console${withBroken ? ', broken' : ''}]
http: { listen: "127.0.0.1:${httpPort}" }
`;
  const gw = await startGatewayProcess(dir, config(true));
  t.after(() => gw.stop('SIGKILL'));
  const base = `http://127.0.0.1:${httpPort}`;
  assert.equal(gw.records().find((r) => r.msg === 'listening')?.http, `127.0.0.1:${httpPort}`);

  const lines = [
    ...Array.from({ length: VIRUS }, (_, i) => `<12>Nov 22 10:00:00 fs01 avscan: Virus found: Eicar-${i} in /srv/x on PC-${i}`),
    ...Array.from({ length: OTHER }, (_, i) => `<14>Nov 22 10:00:00 fs01 sshd: session ${i} opened`),
  ];
  await sendAll(gw.port('udp'), lines);

  const metrics = await waitFor(async () => {
    const m = await httpGet(`${base}/metrics`);
    return sample(m.body, 'eventgate_notifications_sent_total{channel="console"}') === VIRUS && m;
  }, 'the console channel to deliver every virus notification', 15_000);
  assert.equal(metrics.status, 200);
  assert.match(metrics.type, /^text\/plain; version=0\.0\.4/);
  const m = metrics.body;
  assert.equal(sample(m, 'eventgate_received_messages_total{listener="udp"}'), VIRUS + OTHER);
  assert.equal(sample(m, 'eventgate_parsed_messages_total{listener="udp",format="rfc3164"}'), VIRUS + OTHER);
  assert.equal(sample(m, 'eventgate_classified_events_total{category="virus",rule="generic-virus-found"}'), VIRUS, 'per category and deciding rule');
  assert.equal(sample(m, 'eventgate_classified_events_total{category="other",rule=""}'), OTHER, 'no rule matched');
  assert.equal(sample(m, 'eventgate_notifications_queued_total{channel="broken"}'), VIRUS);
  assert.equal(sample(m, 'eventgate_delivery_latency_seconds_count{channel="console"}'), VIRUS);
  // Sampled every 200 ms, so the first sample may still be due.
  await waitFor(async () => (sample((await httpGet(`${base}/metrics`)).body, 'eventgate_event_loop_delay_seconds_count') ?? 0) > 0, 'an event loop delay sample', 5_000);
  for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds', 'eventgate_config_generation']) {
    assert.ok(sample(m, name) !== undefined, `${name} exported`);
  }
  assert.ok(!/host="|message="/.test(m), 'no host or message labels');

  const degraded = await waitFor(async () => {
    const h = await httpGet(`${base}/healthz`);
    const body = JSON.parse(h.body);
    return body.channels.find((c: { id: string; dead: number }) => c.id === 'broken' && c.dead === VIRUS) && { h, body };
  }, 'every broken-channel notification to be given up', 20_000);
  assert.equal(degraded.h.status, 503);
  assert.equal(degraded.body.status, 'degraded');
  assert.deepEqual(degraded.body.listeners, [{ id: 'udp', up: true, addresses: [{ protocol: 'udp', address: '127.0.0.1', port: gw.port('udp') }] }]);
  const broken = degraded.body.channels.find((c: { id: string }) => c.id === 'broken');
  assert.equal(broken.status, 'degraded');
  assert.equal(broken.lastError.code, 'ERR_EXEC_EXIT');
  assert.ok(Date.parse(broken.lastError.at) > Date.now() - 60_000);
  assert.equal(degraded.body.channels.find((c: { id: string }) => c.id === 'console').status, 'ok');
  assert.equal(degraded.body.generation, 1);
  // The self-monitoring notification may be on its way to the ops hook right now.
  assert.equal(degraded.body.outbox.depth, degraded.body.channels.reduce((n: number, c: { depth: number }) => n + c.depth, 0));

  // Self-monitoring: the dead letters come back as system-status events, rate-limited to one
  // per channel per interval, and are routed by their rule id like any other event.
  const raised = await waitFor(() => ops.records()[0], 'the self-monitoring event to reach the ops hook', 10_000);
  assert.equal(raised.argv[0], 'eventgate-delivery-dead');
  assert.match(raised.argv[1]!, /^channel broken: notification \w+ given up after its retries \(ERR_EXEC_EXIT\)/);
  assert.equal(raised.env.EVENTGATE_CATEGORY, 'system-status');
  assert.equal(raised.env.EVENTGATE_SEVERITY, 'error');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(ops.records().length, 1, 'one event for six dead letters of one channel');
  await waitFor(async () => JSON.parse((await httpGet(`${base}/healthz`)).body).outbox.depth === 0, 'the outbox to drain', 10_000);
  const after = (await httpGet(`${base}/metrics`)).body;
  assert.equal(sample(after, 'eventgate_internal_events_total{kind="delivery-dead"}'), 1);
  assert.equal(sample(after, 'eventgate_internal_events_suppressed_total{kind="delivery-dead",reason="interval"}'), VIRUS - 1);

  const status = await runCli(['status', '--config', gw.configPath]);
  assert.equal(status.code, 1, status.stderr);
  assert.match(status.stdout, new RegExp(`^eventgate at 127\\.0\\.0\\.1:${httpPort}: DEGRADED`, 'm'));
  assert.match(status.stdout, /^channel broken \(exec\): DEGRADED, \d+ failed attempt\(s\), last ERR_EXEC_EXIT at .+ \(the hook command exited with a non-zero status\), 6 given up since start$/m);
  assert.match(status.stdout, /^listener udp: up on udp 127\.0\.0\.1:\d+$/m);

  assert.equal((await httpGet(`${base}/nope`)).status, 404);

  writeFileSync(gw.configPath, config(false));
  gw.child.kill('SIGHUP');
  const healthy = await waitFor(async () => {
    const h = await httpGet(`${base}/healthz`);
    return h.status === 200 && JSON.parse(h.body);
  }, 'the reload to drop the broken channel', 10_000);
  assert.equal(healthy.generation, 2);
  const ok = await runCli(['status', '--config', gw.configPath]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /: healthy \(configuration generation 2, up \d+s\)/);

  assert.equal(await gw.stop('SIGTERM'), 0);
  const gone = await runCli(['status', '--config', gw.configPath]);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /UNREACHABLE \(ECONNREFUSED\)/);
});
