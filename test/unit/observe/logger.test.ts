import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { Secret } from '../../../src/core/secret.js';
import { createLogger } from '../../../src/observe/logger.js';

function capture() {
  let out = '';
  const sink = new Writable({ write(c, _e, cb) { out += c; cb(); } });
  return { log: createLogger({ level: 'debug', destination: sink }), lines: () => out.trim().split('\n') };
}

test('secrets never reach the log: Secret values and well-known keys are redacted', () => {
  const { log, lines } = capture();
  const secret = new Secret('canary-s3cr3t', 'env:X');
  log.info({ secret, channel: { password: 'canary-pw', community: 'canary-comm' }, pass: 'canary-pass' }, 'config');
  log.child({ component: 'x' }).warn({ nested: { token: 'canary-token', auth: { secret } } }, 'more');
  const text = lines().join('\n');
  assert.doesNotMatch(text, /canary/);
  assert.match(text, /<secret>/);
});

test('control bytes in untrusted text are escaped by JSON: one record per line, no raw ESC', () => {
  const { log, lines } = capture();
  log.warn({ event: { message: 'evil\r\n{"level":"fatal"}\u001b[2J\u2028end' } }, 'malformed input');
  const out = lines();
  assert.equal(out.length, 1);
  assert.doesNotMatch(out[0]!, /\u001b|\r|\n/);
  assert.equal(JSON.parse(out[0]!).event.message, 'evil\r\n{"level":"fatal"}\u001b[2J\u2028end');
});
