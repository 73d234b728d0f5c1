import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Secret } from '../../../src/core/secret.js';
import { formatRecord, readableDestination } from '../../../src/observe/log-format.js';
import { createLogger } from '../../../src/observe/logger.js';

test('a record becomes one readable line: time, level, component, message, fields', () => {
  const line = formatRecord(JSON.stringify({ level: 'warn', time: '2026-11-22T10:15:02.123Z', service: 'eventgate', component: 'deliverer', channel: 'mail', error: { code: 'ERR_X' }, msg: 'delivery failed; will retry' }));
  assert.equal(line, '10:15:02.123 WARN  [deliverer] delivery failed; will retry channel=mail error={"code":"ERR_X"}');
});

test('untrusted text cannot put control bytes on the terminal, and secrets stay redacted', () => {
  const written: string[] = [];
  const log = createLogger({ level: 'debug', destination: readableDestination(1, (_fd, s) => written.push(s)) });
  log.warn({ event: { message: 'evil\r\n\u001b[2Jx' }, secret: new Secret('canary-tty', 'env:X'), pass: 'canary-pass' }, 'malformed input');
  assert.equal(written.length, 1);
  const out = written[0]!;
  assert.equal(out.split('\n').length, 2, 'one line');
  assert.doesNotMatch(out, /\u001b|\r/);
  assert.doesNotMatch(out, /canary/);
  assert.match(out, /malformed input/);
  assert.match(out, /\\u001b\[2J/);
});
