import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { EXIT_BUG, fatalHandler } from '../../../src/cli/run.js';
import { createLogger } from '../../../src/observe/logger.js';

test('an uncaught error is logged as fatal and exits non-zero', () => {
  let out = '';
  const sink = new Writable({ write(c, _e, cb) { out += c; cb(); } });
  const log = createLogger({ level: 'info', destination: sink });
  let code: number | undefined;
  fatalHandler(log, 'uncaught exception', (c) => (code = c))(new Error('kaboom'));
  assert.equal(code, EXIT_BUG);
  assert.notEqual(EXIT_BUG, 0);
  const rec = JSON.parse(out.trim());
  assert.equal(rec.level, 'fatal');
  assert.equal(rec.msg, 'uncaught exception: exiting');
  assert.equal(rec.err.message, 'kaboom');
});
