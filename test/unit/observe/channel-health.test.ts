import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createChannelHealth } from '../../../src/observe/channel-health.js';
import { createFakeTime } from '../../helpers/fake-clock.js';

test('a channel is degraded from its first failure until its next success, keeping the last error', async () => {
  const time = createFakeTime(Date.UTC(2026, 0, 1));
  const h = createChannelHealth(time);
  assert.deepEqual(h.get('mail'), { status: 'ok', failures: 0, dead: 0 });
  h.failure('mail', 'ERR_OUTPUT_TIMEOUT', false);
  await time.advance(1000);
  h.failure('mail', 'ERR_EXEC_EXIT', true);
  assert.deepEqual(h.get('mail'), { status: 'degraded', failures: 2, dead: 1, lastError: { code: 'ERR_EXEC_EXIT', at: Date.UTC(2026, 0, 1) + 1000 } });
  h.success('mail');
  const ok = h.get('mail');
  assert.equal(ok.status, 'ok');
  assert.equal(ok.failures, 0);
  assert.equal(ok.dead, 1, 'dead letters since start stay counted');
  assert.equal(ok.lastError?.code, 'ERR_EXEC_EXIT', 'the last error stays visible after recovery');
  assert.equal(h.get('other').status, 'ok');
});
