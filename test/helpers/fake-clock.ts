/**
 * A fake Clock + Timers pair for unit tests: time moves only when the test calls advance(),
 * which fires due timers in order. Nothing sleeps.
 */
import type { Clock, Timers } from '../../src/core/clock.js';

export interface FakeTime extends Clock, Timers {
  /** Moves time forward, firing every timer that falls due, and lets promises settle. */
  advance(ms: number): Promise<void>;
  /** Steps the wall clock alone (an NTP step, an operator's `date -s`): timers and monotonic time do not move. */
  step(ms: number): void;
  pending(): number;
}

export function createFakeTime(start = Date.UTC(2026, 10, 22, 12, 0, 0)): FakeTime {
  // `now` is the timers' (monotonic) time; the wall clock is it plus the steps taken.
  let now = start;
  let wallOffset = 0;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const settle = async () => {
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
  };
  return {
    now: () => now + wallOffset,
    monotonic: () => now - start,
    step(ms) {
      wallOffset += ms;
    },
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(h) {
      timers.delete(h as number);
    },
    pending: () => timers.size,
    async advance(ms) {
      const target = now + ms;
      await settle();
      for (;;) {
        let next: [number, { at: number; fn: () => void }] | undefined;
        for (const e of timers) if (e[1].at <= target && (!next || e[1].at < next[1].at)) next = e;
        if (!next) break;
        timers.delete(next[0]);
        now = next[1].at;
        next[1].fn();
        await settle();
      }
      now = target;
      await settle();
    },
  };
}
