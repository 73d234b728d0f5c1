import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ERROR_CODES, GatewayError } from '../../../src/core/errors.js';

test('every error code has the ERR_<AREA>_<DETAIL> form and a description', () => {
  for (const [code, text] of Object.entries(ERROR_CODES)) {
    assert.match(code, /^ERR_[A-Z0-9]+_[A-Z0-9_]+$/);
    assert.ok(text.length > 10, code);
  }
});

test('the README error table lists exactly the codes in core/errors.ts', () => {
  const readme = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8');
  const listed = [...readme.matchAll(/^\| `(ERR_[A-Z0-9_]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(Object.fromEntries(listed), { ...ERROR_CODES });
});

test('GatewayError carries code, retryable and cause', () => {
  const cause = new Error('low level');
  const e = new GatewayError('ERR_EXEC_EXIT', 'hook exited with status 1', { retryable: true, cause });
  assert.equal(e.code, 'ERR_EXEC_EXIT');
  assert.equal(e.retryable, true);
  assert.equal(e.cause, cause);
  assert.equal(e.name, 'GatewayError');
});
