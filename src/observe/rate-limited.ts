/**
 * Rate-limited warnings for bad input: at most one line per key per interval, and the next
 * line says how many were suppressed. Keys are bounded (component + error code).
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from './logger.js';

export type RateLimitedWarn = (code: string, message: string, fields?: Record<string, unknown>) => void;

export function createRateLimitedWarn(log: Logger, clock: Clock, intervalMs = 10_000): RateLimitedWarn {
  const state = new Map<string, { last: number; suppressed: number }>();
  return (code, message, fields = {}) => {
    const now = clock.monotonic();
    const s = state.get(code);
    if (s && now - s.last < intervalMs) {
      s.suppressed++;
      return;
    }
    const suppressed = s?.suppressed ?? 0;
    state.set(code, { last: now, suppressed: 0 });
    log.warn({ code, ...fields, ...(suppressed ? { suppressed } : {}) }, message);
  };
}
