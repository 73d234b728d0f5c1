/**
 * Injected time. Stages, the deliverer and timers read time through these interfaces only,
 * so tests can drive them with a fake clock instead of sleeping.
 */

export interface Clock {
  /** Wall-clock milliseconds since the epoch (for timestamps shown to people). */
  now(): number;
  /** Monotonic milliseconds (for schedules and timeouts; never jumps with the wall clock). */
  monotonic(): number;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

export const systemTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** A clock that follows the wall clock but moves only with monotonic time between resyncs. */
export interface SteadyClock extends Clock {
  /**
   * Catches up with the wall clock. Returns how far it stepped since the last call when
   * that is at least the threshold (NTP stepping, `date -s`), else 0 (slewing, jitter).
   */
  resync(): number;
}

/**
 * Time for schedules that must not jump: the wall clock, except that a step of it (at least
 * `thresholdMs`) shows only from the next `resync` on; until then time goes on with the
 * monotonic clock. So a step takes effect at one known moment, where whoever keeps times
 * in this clock (the outbox) can move them by the step.
 */
export function createSteadyClock(wall: Clock, thresholdMs: number): SteadyClock {
  let offset = wall.now() - wall.monotonic();
  return {
    now() {
      // The wall clock itself, unless it stepped since the last resync.
      const w = wall.now();
      const steady = offset + wall.monotonic();
      return Math.abs(w - steady) < thresholdMs ? w : Math.floor(steady);
    },
    monotonic: () => wall.monotonic(),
    resync() {
      const current = wall.now() - wall.monotonic();
      const step = current - offset;
      offset = current;
      return Math.abs(step) >= thresholdMs ? Math.round(step) : 0;
    },
  };
}
