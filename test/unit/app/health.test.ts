import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildHealth } from '../../../src/app/health.js';
import { connectHost, describeHealth } from '../../../src/cli/status.js';
import { parseListen } from '../../../src/config/schema/http.js';

const T0 = Date.UTC(2026, 10, 22, 12);
const ok = { status: 'ok', failures: 0, dead: 0 } as const;

test('healthy only when every configured listener is up and no channel is degraded', () => {
  const listeners = new Map([['udp', [{ protocol: 'udp', address: '::', port: 514 }]]]);
  const base = { now: T0 + 3_723_000, startedAt: T0, generation: 2, listeners, outboxDepth: 0 };
  const good = buildHealth({ ...base, channels: [{ id: 'log', type: 'log', depth: 0, health: ok }] });
  assert.equal(good.status, 'ok');
  assert.equal(good.uptimeSeconds, 3723);
  assert.deepEqual(good.listeners, [{ id: 'udp', up: true, addresses: [{ protocol: 'udp', address: '::', port: 514 }] }]);

  const down = buildHealth({ ...base, listeners: new Map([...listeners, ['tcp', undefined]]), channels: [] });
  assert.equal(down.status, 'degraded');
  assert.deepEqual(down.listeners[1], { id: 'tcp', up: false, addresses: [] });

  const failing = buildHealth({
    ...base, outboxDepth: 3,
    channels: [{ id: 'hook', type: 'exec', depth: 3, health: { status: 'degraded', failures: 4, dead: 1, lastError: { code: 'ERR_EXEC_EXIT', at: T0 } } }],
  });
  assert.equal(failing.status, 'degraded');
  assert.deepEqual(failing.channels[0]!.lastError, { code: 'ERR_EXEC_EXIT', at: '2026-11-22T12:00:00.000Z' });

  const text = describeHealth(failing, '127.0.0.1:9164');
  assert.match(text, /^eventgate at 127\.0\.0\.1:9164: DEGRADED \(configuration generation 2, up 1h 2m\)$/m);
  assert.match(text, /^listener udp: up on udp \[::\]:514$/m);
  assert.match(text, /^outbox: 3 notification\(s\) waiting$/m);
  assert.match(text, /^channel hook \(exec\): DEGRADED, 3 waiting, 4 failed attempt\(s\), last ERR_EXEC_EXIT at 2026-11-22T12:00:00\.000Z \(the hook command exited with a non-zero status\), 1 given up since start$/m);
});

test('http.listen takes host:port and [v6]:port; a wildcard is reached on loopback', () => {
  assert.deepEqual(parseListen('127.0.0.1:9164'), { host: '127.0.0.1', port: 9164 });
  assert.deepEqual(parseListen('[::1]:0'), { host: '::1', port: 0 });
  assert.deepEqual(parseListen('localhost:80'), { host: 'localhost', port: 80 });
  for (const bad of ['', '9164', '::1:9164', '127.0.0.1:99999', 'a b:1', '127.0.0.1:']) assert.equal(parseListen(bad), undefined, bad);
  assert.equal(connectHost('0.0.0.0'), '127.0.0.1');
  assert.equal(connectHost('::'), '::1');
  assert.equal(connectHost('10.0.0.5'), '10.0.0.5');
});
