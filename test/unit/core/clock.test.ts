import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createSteadyClock } from '../../../src/core/clock.js';
import { createFakeTime } from '../../helpers/fake-clock.js';

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);

it('is the wall clock while it moves smoothly; small adjustments pass through', async () => {
  const time = createFakeTime(T0);
  const steady = createSteadyClock(time, 2000);
  assert.equal(steady.now(), T0);
  await time.advance(1500);
  assert.equal(steady.now(), T0 + 1500);
  time.step(300); // slewing / a small correction
  assert.equal(steady.now(), T0 + 1800);
  assert.equal(steady.resync(), 0, 'under the threshold: not a step');
  assert.equal(steady.now(), T0 + 1800);
});

it('a step shows only from the next resync, which reports it; until then time goes on steadily', async () => {
  for (const step of [-3_600_000, 3_600_000]) {
    const time = createFakeTime(T0);
    const steady = createSteadyClock(time, 2000);
    time.step(step);
    await time.advance(400);
    assert.equal(steady.now(), T0 + 400, 'the old timeline until the resync');
    assert.equal(steady.resync(), step);
    assert.equal(steady.now(), T0 + 400 + step, 'the wall clock again');
    assert.equal(steady.resync(), 0, 'reported once');
  }
});
